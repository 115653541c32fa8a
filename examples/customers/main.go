// Customers is a non-blocking HTTP endpoint in front of an embedded database:
// GET /?customer_id=42 answers that customer as JSON, or "customer with
// id:'42' doesn't exist." with status 404.
//
// # One loop, many requests
//
// aio.Handler turns a coroutine into a net/http handler: each request runs as
// a task on one loop, and that loop owns the database, a bbolt file on disk
// (go.etcd.io/bbolt, pure Go, no server to run), created and seeded with 100
// customers on first use. A client that goes away cancels its task; a handler
// that returns an error answers 500.
//
// A database read is a call that may block (the file lock, a page fault), so
// the handler makes it through sched.Go: the read runs on a goroutine of its
// own while the request's task waits, and the loop goes on serving the other
// requests. sched.Go rather than sched.ToThread: ToThread's bound (the
// machine's cores, plus four) is for CPU work, and with it a hundred
// requests would wait in line for a handful of slots while the reads are
// mostly waiting.
//
// The main task waits for the stop signal with sched.Recv, which keeps the
// loop alive meanwhile. Shutting down stops accepting and lets the requests in
// flight finish (http.Server.Shutdown, itself run through sched.Go since it
// waits for handlers that need the loop).
//
// With -plain the same lookup is served by a plain net/http handler, with no
// loop: the baseline of the example's benchmark (see bench.sh).
//
// This example is a module of its own (examples/customers/go.mod), so that the
// library's go.mod needs no database.
//
// Usage, inside examples/customers:
//
//	go run .                              # serves on 127.0.0.1:8080, database in os.TempDir()
//	go run . -addr 127.0.0.1:8081 -db ./customers.db
//	curl '127.0.0.1:8080/?customer_id=42'
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/corio-go/corio/aio"
	"github.com/corio-go/corio/coro"
	"github.com/corio-go/corio/sched"
	bolt "go.etcd.io/bbolt"
)

// Customer is one row of the database, stored as JSON under its id.
type Customer struct {
	ID    uint64 `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	City  string `json:"city"`
}

var bucket = []byte("customers")

// seedCount is the number of customers a new database is seeded with: ids 1
// to seedCount.
const seedCount = 100

// openDB opens the database file at path, creating and seeding it if needed.
func openDB(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucket) != nil {
			return nil
		}
		b, err := tx.CreateBucket(bucket)
		if err != nil {
			return err
		}
		for id := uint64(1); id <= seedCount; id++ {
			v, err := json.Marshal(seed(id))
			if err != nil {
				return err
			}
			if err := b.Put(key(id), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("seed database %s: %w", path, err)
	}
	return db, nil
}

// seed makes up customer id, the same way every time.
func seed(id uint64) Customer {
	first := []string{"Ana", "Luka", "Ivana", "Marko", "Petra", "Josip", "Mia", "Ivan", "Lucija", "Tomislav", "Nika"}
	last := []string{"Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Novak", "Knežević", "Vuković", "Matić"}
	cities := []string{"Zagreb", "Split", "Zadar", "Rijeka", "Osijek", "Pula", "Dubrovnik"}
	f, l := first[id%uint64(len(first))], last[id*7%uint64(len(last))]
	return Customer{
		ID:    id,
		Name:  f + " " + l,
		Email: fmt.Sprintf("%s.%d@example.com", strings.ToLower(f), id),
		City:  cities[id%uint64(len(cities))],
	}
}

func key(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

// answer is a response: status, content type, body.
type answer struct {
	status int
	ctype  string
	body   string
}

func text(status int, msg string) answer {
	return answer{status, "text/plain; charset=utf-8", msg + "\n"}
}

func (a answer) write(w http.ResponseWriter) {
	if a.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "GET, HEAD")
	}
	w.Header().Set("Content-Type", a.ctype)
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

// maxEcho is the most of a malformed customer_id a 400 answer quotes: the
// reply to a megabyte of garbage is not a megabyte.
const maxEcho = 32

// parse checks the request and its query: the customer id, or the answer to
// give instead.
func parse(r *http.Request) (uint64, *answer) {
	if r.URL.Path != "/" {
		a := text(http.StatusNotFound, "404 page not found")
		return 0, &a
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		a := text(http.StatusMethodNotAllowed, "method not allowed: use GET /?customer_id=42")
		return 0, &a
	}
	raw := r.URL.Query().Get("customer_id")
	if raw == "" {
		a := text(http.StatusBadRequest, "missing customer_id: use GET /?customer_id=42")
		return 0, &a
	}
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		shown := strconv.Quote(raw)
		if len(raw) > maxEcho {
			shown = strconv.Quote(raw[:maxEcho]) + fmt.Sprintf(" (%d bytes more)", len(raw)-maxEcho)
		}
		a := text(http.StatusBadRequest, "malformed customer_id "+shown+": want a whole number from 1 up")
		return 0, &a
	}
	return id, nil
}

// store is the database.
type store struct{ db *bolt.DB }

// row reads customer id; nil if there is none. It may block.
func (s *store) row(id uint64) ([]byte, error) {
	var row []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucket).Get(key(id)); v != nil {
			row = append([]byte(nil), v...) // v is only valid inside the transaction
		}
		return nil
	})
	return row, err
}

func found(id uint64, row []byte) answer {
	if row == nil {
		return text(http.StatusNotFound, fmt.Sprintf("customer with id:'%d' doesn't exist.", id))
	}
	return answer{http.StatusOK, "application/json", string(row) + "\n"}
}

// lookup is the request handler, a coroutine on the loop (see aio.Handler).
func (s *store) lookup(co *coro.Co, w http.ResponseWriter, r *http.Request) error {
	id, bad := parse(r)
	if bad != nil {
		bad.write(w)
		return nil
	}
	// The read may block, so it runs off the loop.
	row, err := sched.Go(co, func(context.Context) ([]byte, error) { return s.row(id) })
	if err != nil {
		return fmt.Errorf("reading customer %d: %w", id, err) // a 500; a cancellation ends the task
	}
	found(id, row).write(w)
	return nil
}

// ServeHTTP is the same lookup as a plain net/http handler, with no loop:
// the baseline (-plain).
func (s *store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, bad := parse(r)
	if bad != nil {
		bad.write(w)
		return
	}
	row, err := s.row(id)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	found(id, row).write(w)
}

// serve serves on ln with the database at dbPath until ctx is cancelled, then
// shuts down cleanly: it returns once every request in flight is answered and
// every goroutine it started has exited. plain serves with the plain net/http
// handler instead of the loop's.
func serve(ctx context.Context, ln net.Listener, dbPath string, plain bool) error {
	db, err := openDB(dbPath)
	if err != nil {
		ln.Close()
		return err
	}
	defer db.Close()
	st := &store{db: db}
	_, err = sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		var h http.Handler = aio.Handler(sched.LoopOf(co), st.lookup)
		if plain {
			h = st
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		// Until ctx ends, or the server stops by itself.
		stop := make(chan error, 1)
		go func() {
			select {
			case <-ctx.Done():
				stop <- nil
			case err := <-served:
				served <- err // for the final receive below
				stop <- err
			}
		}()
		serveErr, _, err := sched.Recv(co, stop)
		if err != nil {
			return struct{}{}, err
		}
		// Shutdown waits for the handlers, which need the loop: off the loop.
		_, err = sched.Go(co, func(context.Context) (struct{}, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := srv.Shutdown(ctx)
			<-served
			return struct{}{}, err
		})
		return struct{}{}, errors.Join(serveErr, err)
	}))
	return err
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to serve on")
	dbPath := flag.String("db", filepath.Join(os.TempDir(), "corio-customers.db"), "database file, created and seeded if missing")
	plain := flag.Bool("plain", false, "serve with a plain net/http handler, without the loop (the benchmark's baseline)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("serving on http://%s/?customer_id=42 (database %s, customers 1 to %d); Ctrl-C stops\n", ln.Addr(), *dbPath, seedCount)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, ln, *dbPath, *plain); err != nil {
		log.Print(err)
	}
}
