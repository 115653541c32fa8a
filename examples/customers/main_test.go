package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/corio-go/corio/internal/leaktest"
)

// start serves on a free loopback port with a new database in dir, and returns
// the base URL and a function that shuts the server down and returns serve's
// error.
func start(t testing.TB, dir string) (base string, stop func() error) {
	t.Helper()
	base, stop, err := startServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	return base, stop
}

func startServer(dir string) (base string, stop func() error, err error) {
	return startServing(dir, false)
}

func startServing(dir string, plain bool) (base string, stop func() error, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, filepath.Join(dir, "customers.db"), plain) }()
	return "http://" + ln.Addr().String(), func() error {
		cancel()
		return <-done
	}, nil
}

// get fetches url and returns the status, content type and body.
func get(c *http.Client, url string) (int, string, string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body), err
}

func client() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func Example() {
	dir, err := os.MkdirTemp("", "customers")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	base, stop, err := startServer(dir)
	if err != nil {
		log.Fatal(err)
	}
	c := client()
	for _, q := range []string{"42", "420", "4x2"} {
		status, _, body, err := get(c, base+"/?customer_id="+q)
		if err != nil {
			fmt.Println(err)
		}
		fmt.Printf("%d %s", status, body)
	}
	fmt.Println(stop())
	// Output:
	// 200 {"id":42,"name":"Tomislav Knežević","email":"tomislav.42@example.com","city":"Zagreb"}
	// 404 customer with id:'420' doesn't exist.
	// 400 malformed customer_id "4x2": want a whole number from 1 up
	// <nil>
}

func TestRequests(t *testing.T) {
	leaktest.Check(t)
	base, stop := start(t, t.TempDir())
	c := client()
	tests := []struct {
		query, ctype, body string
		status             int
	}{
		{"customer_id=42", "application/json",
			`{"id":42,"name":"Tomislav Knežević","email":"tomislav.42@example.com","city":"Zagreb"}` + "\n", 200},
		{"customer_id=1", "application/json",
			`{"id":1,"name":"Luka Vuković","email":"luka.1@example.com","city":"Split"}` + "\n", 200},
		{"customer_id=101", "text/plain; charset=utf-8", "customer with id:'101' doesn't exist.\n", 404},
		{"customer_id=abc", "text/plain; charset=utf-8", "malformed customer_id \"abc\": want a whole number from 1 up\n", 400},
		{"customer_id=-3", "text/plain; charset=utf-8", "malformed customer_id \"-3\": want a whole number from 1 up\n", 400},
		{"customer_id=0", "text/plain; charset=utf-8", "malformed customer_id \"0\": want a whole number from 1 up\n", 400},
		{"", "text/plain; charset=utf-8", "missing customer_id: use GET /?customer_id=42\n", 400},
		// A long malformed id is quoted in part: the answer stays short.
		{"customer_id=" + strings.Repeat("9x", 50000), "text/plain; charset=utf-8",
			"malformed customer_id \"" + strings.Repeat("9x", 16) + "\" (99968 bytes more): want a whole number from 1 up\n", 400},
	}
	for _, plain := range []bool{false, true} {
		base := base
		if plain {
			var stopPlain func() error
			var err error
			base, stopPlain, err = startServing(t.TempDir(), true)
			if err != nil {
				t.Fatal(err)
			}
			defer stopPlain()
		}
		for _, tt := range tests {
			status, ctype, body, err := get(c, base+"/?"+tt.query)
			if err != nil {
				t.Fatalf("GET /?%.40s: %v", tt.query, err)
			}
			if status != tt.status || ctype != tt.ctype || body != tt.body {
				t.Errorf("plain %v: GET /?%.40s = %d, %q, %.100q; want %d, %q, %.100q", plain, tt.query, status, ctype, body, tt.status, tt.ctype, tt.body)
			}
		}
	}
	for path, want := range map[string]int{"/other": 404} {
		if status, _, _, err := get(c, base+path); status != want || err != nil {
			t.Errorf("GET %s = %d, %v; want %d", path, status, err, want)
		}
	}
	resp, err := c.Post(base+"/?customer_id=1", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST = %d, Allow %q; want 405, GET, HEAD", resp.StatusCode, resp.Header.Get("Allow"))
	}
	if err := stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
}

// TestConcurrent makes 200 requests at once, for existing and missing ids, and
// checks every answer.
func TestConcurrent(t *testing.T) {
	leaktest.Check(t)
	dir := t.TempDir()
	base, stop := start(t, dir)
	c := client()
	var wg sync.WaitGroup
	for i := range 200 {
		id := uint64(i + 1) // 1..200: half exist
		wg.Go(func() {
			status, _, body, err := get(c, fmt.Sprintf("%s/?customer_id=%d", base, id))
			if err != nil {
				t.Errorf("id %d: %v", id, err)
				return
			}
			want, wantStatus := fmt.Sprintf("customer with id:'%d' doesn't exist.\n", id), 404
			if id <= seedCount {
				want, wantStatus = fmt.Sprintf(`{"id":%d,"name":%q,"email":%q,"city":%q}`+"\n", id, seed(id).Name, seed(id).Email, seed(id).City), 200
			}
			if status != wantStatus || body != want {
				t.Errorf("id %d: %d %q; want %d %q", id, status, body, wantStatus, want)
			}
		})
	}
	wg.Wait()
	if err := stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
	// The database stays on disk: a second server finds it seeded and serves it.
	base, stop = start(t, dir)
	if status, _, _, err := get(c, base+"/?customer_id=7"); err != nil || status != 200 {
		t.Errorf("second run: GET customer 7 = %d, %v; want 200", status, err)
	}
	if err := stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
}
