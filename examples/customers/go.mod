module github.com/corio-go/corio/examples/customers

go 1.25.0

require (
	github.com/corio-go/corio v0.0.0
	go.etcd.io/bbolt v1.5.0
)

require golang.org/x/sys v0.45.0 // indirect

replace github.com/corio-go/corio => ../..
