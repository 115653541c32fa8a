//go:build !linux

package aio

import "github.com/corio-go/corio/sched"

// epoller is the loop's own poller of Linux; elsewhere every stream reads
// with a goroutine of its own.
type epoller struct{ handled int }

func pollerOf(*sched.Loop) *epoller             { return nil }
func (p *epoller) add(*Stream) bool             { return false }
func (p *epoller) interest(*Stream, bool) error { return nil }
func (p *epoller) forget(*Stream)               {}
func (s *Stream) unpoll()                       {}
