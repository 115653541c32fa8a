// Crawler fetches every page of a small web site, following links, with at
// most K requests in flight and a timeout on each.
//
// # What it shows
//
// Each page is a task. A sched.Semaphore of K bounds the fetches in flight;
// sched.WithTimeout bounds each; a sched.Group waits for the crawl to finish.
// A fetch is plain HTTP/1.1 over an aio.Stream: aio.Dial, a request written
// with Stream.Write, the status line and headers read with Stream.ReadLine,
// the body with Stream.ReadExactly. Every read suspends the task, never the
// loop, and nothing else bounds the fetches: K in the semaphore means K on
// the wire. (Fetching through sched.ToThread instead would cap them at
// ToThread's bound, GOMAXPROCS+4, whatever the semaphore says.) A fetch that
// times out is cancelled where it waits, and its connection is aborted.
//
// # The site
//
// The example starts its own server on 127.0.0.1 (net/http, on goroutines of
// its own): pages /page/1 to /page/N, the home page linking to the first few
// and each page to a few others, so that the crawler finds them by following
// links. Pages 7, 17, 27... answer after two seconds, longer than the
// timeout; page 13 does not exist.
//
// Usage:
//
//	go run ./examples/crawler                    # 40 pages, 5 in flight, 500 ms timeout
//	go run ./examples/crawler -pages 200 -limit 20 -timeout 100ms
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
)

// site is the server's content: pages 1 to n.
type site struct{ n int }

func (s site) slow(i int) bool    { return i%10 == 7 }
func (s site) missing(i int) bool { return i == 13 }

// links are the pages page i links to (the home page is 0).
func (s site) links(i int) []int {
	if i == 0 {
		return []int{1, 2, 3}
	}
	var out []int
	for _, j := range []int{i + 1, 2 * i, 3*i + 1} {
		if j <= s.n {
			out = append(out, j)
		}
	}
	return out
}

// ServeHTTP serves "/" and "/page/N".
func (s site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := 0
	if r.URL.Path != "/" {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/page/"))
		if err != nil || n < 1 || n > s.n || s.missing(n) || !strings.HasPrefix(r.URL.Path, "/page/") {
			http.NotFound(w, r)
			return
		}
		i = n
	}
	if s.slow(i) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done(): // the crawler gave up
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<html><title>page %d</title><body>\n", i)
	for _, j := range s.links(i) {
		fmt.Fprintf(w, "<a href=\"/page/%d\">page %d</a>\n", j, j)
	}
	fmt.Fprintf(w, "</body></html>\n")
}

// startSite serves a site of n pages on 127.0.0.1 and returns its address and
// how to stop it.
func startSite(n int) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: site{n}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return ln.Addr().String(), func() {
		srv.Close()
		<-done
	}, nil
}

// page is what a fetch found.
type page struct {
	status int
	size   int
	links  []string
}

// fetch gets path from the server at addr over one connection: HTTP/1.1, one
// request, "Connection: close".
func fetch(co *coro.Co, addr, path string) (page, error) {
	s, err := aio.Dial(co, "tcp", addr)
	if err != nil {
		return page{}, err
	}
	ok := false
	defer func() {
		if !ok {
			s.Abort() // cancelled or failed halfway: drop the connection
		}
	}()
	fmt.Fprintf(writer{s}, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, addr)
	status, err := s.ReadLine(co)
	if err != nil {
		return page{}, err
	}
	var p page
	if _, err := fmt.Sscanf(string(status), "HTTP/1.1 %d", &p.status); err != nil {
		return page{}, fmt.Errorf("status line %q: %w", status, err)
	}
	length := -1
	for {
		line, err := s.ReadLine(co)
		if err != nil {
			return page{}, err
		}
		h := strings.TrimRight(string(line), "\r\n")
		if h == "" {
			break
		}
		if name, value, found := strings.Cut(h, ":"); found && strings.EqualFold(name, "Content-Length") {
			length, err = strconv.Atoi(strings.TrimSpace(value))
			if err != nil {
				return page{}, fmt.Errorf("Content-Length %q: %w", value, err)
			}
		}
	}
	var body []byte
	if length >= 0 {
		body, err = s.ReadExactly(co, length)
	} else {
		body, err = s.ReadAll(co)
	}
	if err != nil {
		return page{}, err
	}
	p.size = len(body)
	for rest := string(body); ; {
		_, after, found := strings.Cut(rest, `href="`)
		if !found {
			break
		}
		link, tail, _ := strings.Cut(after, `"`)
		p.links = append(p.links, link)
		rest = tail
	}
	ok = true
	s.Close()
	return p, s.WaitClosed(co)
}

// writer adapts a Stream's Write to io.Writer for fmt.Fprintf.
type writer struct{ s *aio.Stream }

func (w writer) Write(p []byte) (int, error) { return w.s.Write(p) }

// report is a crawl's outcome.
type report struct {
	fetched  map[string]page  // by path
	failed   map[string]error // by path
	peak     int              // most fetches in flight at once
	inFlight int
}

// crawl fetches every page reachable from "/" on the server at addr, at most
// limit at a time, each within timeout.
func crawl(co *coro.Co, addr string, limit int, timeout time.Duration) (*report, error) {
	rep := &report{fetched: map[string]page{}, failed: map[string]error{}}
	sem := sched.NewSemaphore(limit)
	g := sched.NewGroup(co)
	seen := map[string]bool{}
	var visit func(path string)
	visit = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		g.Spawn(func(co *coro.Co) error {
			if err := sem.Acquire(co); err != nil {
				return err
			}
			rep.inFlight++
			rep.peak = max(rep.peak, rep.inFlight)
			var p page
			err := sched.WithTimeout(co, timeout, func(co *coro.Co) error {
				var err error
				p, err = fetch(co, addr, path)
				return err
			})
			rep.inFlight--
			sem.Release()
			if err != nil {
				rep.failed[path] = err
				return nil // a page that fails does not stop the crawl
			}
			rep.fetched[path] = p
			for _, link := range p.links {
				visit(link)
			}
			return nil
		})
	}
	visit("/")
	return rep, g.Wait(co)
}

// run starts a site of n pages, crawls it and prints what happened to out.
func run(out io.Writer, n, limit int, timeout time.Duration) error {
	addr, stop, err := startSite(n)
	if err != nil {
		return err
	}
	defer stop()
	rep, err := sched.Run(coro.New(func(co *coro.Co) (*report, error) {
		return crawl(co, addr, limit, timeout)
	}))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "crawled %d paths, at most %d requests in flight (peak %d), %v timeout each\n",
		len(rep.fetched)+len(rep.failed), limit, rep.peak, timeout)
	byStatus := map[int][]string{}
	bytes := 0
	for path, p := range rep.fetched {
		byStatus[p.status] = append(byStatus[p.status], path)
		bytes += p.size
	}
	for _, status := range slices.Sorted(mapKeys(byStatus)) {
		paths := byStatus[status]
		slices.SortFunc(paths, byPage)
		if status == http.StatusOK {
			fmt.Fprintf(out, "%d: %d pages, %d bytes\n", status, len(paths), bytes)
			continue
		}
		fmt.Fprintf(out, "%d: %s\n", status, strings.Join(paths, " "))
	}
	var timedOut, other []string
	for path, err := range rep.failed {
		if errors.Is(err, sched.ErrTimeout) {
			timedOut = append(timedOut, path)
		} else {
			other = append(other, fmt.Sprintf("%s (%v)", path, err))
		}
	}
	slices.SortFunc(timedOut, byPage)
	slices.Sort(other)
	if len(timedOut) > 0 {
		fmt.Fprintf(out, "timed out: %s\n", strings.Join(timedOut, " "))
	}
	for _, o := range other {
		fmt.Fprintf(out, "failed: %s\n", o)
	}
	return nil
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// byPage orders "/" before "/page/1", "/page/2" before "/page/10".
func byPage(a, b string) int {
	num := func(p string) int {
		n, _ := strconv.Atoi(strings.TrimPrefix(p, "/page/"))
		return n
	}
	return num(a) - num(b)
}

func main() {
	pages := flag.Int("pages", 40, "pages on the site")
	limit := flag.Int("limit", 5, "requests in flight at most")
	timeout := flag.Duration("timeout", 500*time.Millisecond, "time allowed for each request")
	flag.Parse()
	if err := run(os.Stdout, *pages, *limit, *timeout); err != nil {
		log.Fatal(err)
	}
}
