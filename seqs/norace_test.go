//go:build !race

package seqs_test

const raceEnabled = false
