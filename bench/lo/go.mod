module github.com/corio-go/corio/bench/lo

go 1.25

require (
	github.com/corio-go/corio v0.0.0
	github.com/samber/lo v1.53.0
)

require golang.org/x/text v0.22.0 // indirect

replace github.com/corio-go/corio => ../..
