// Customers is a non-blocking HTTP endpoint in front of an embedded database:
// GET /?customer_id=42 answers that customer as JSON, or "customer with
// id:'42' doesn't exist." with status 404.
//
// # One loop, many requests
//
// net/http runs each request on a goroutine of its own. Here that goroutine
// only carries the request to the loop and the answer back: it hands the loop
// a callback with Loop.CallSoonThreadsafe, the callback spawns a task for the
// request, and the goroutine waits on a channel for the task's answer. The
// request handlers are therefore coroutines, all on one loop, and that loop
// owns the database: a bbolt file on disk (go.etcd.io/bbolt, pure Go, no
// server to run), created and seeded with 100 customers on first use.
//
// A database read is a blocking call, so a handler makes it through
// sched.ToThread: the read runs on a goroutine of its own while the handler's
// task waits, and the loop goes on serving the other requests. A client that
// goes away cancels its task.
//
// The server holds the loop (Loop.Hold) while it serves: the main task waits
// for the stop signal, and without the hold a loop with nothing ready and no
// timer would report a deadlock. Shutting down stops accepting, lets the
// requests in flight finish (http.Server.Shutdown, itself run through ToThread
// since it waits for handlers that need the loop), then releases the hold.
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
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

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

// answer is what a request's task hands back to the HTTP goroutine.
type answer struct {
	status int
	ctype  string
	body   string
}

func text(status int, msg string) answer {
	return answer{status, "text/plain; charset=utf-8", msg + "\n"}
}

// server bridges net/http to the loop.
type server struct {
	loop *sched.Loop
	db   *bolt.DB
}

// ServeHTTP runs on net/http's goroutine for the request: it hands the request
// to the loop and waits for the answer.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: use GET /?customer_id=42", http.StatusMethodNotAllowed)
		return
	}
	query := r.URL.Query()
	answers := make(chan answer, 1) // buffered: the task never waits for a client that left
	var task *sched.Task[struct{}]  // set and read on the loop's goroutine only
	err := s.loop.CallSoonThreadsafe(func() {
		task = sched.SpawnOn(s.loop, coro.New(func(co *coro.Co) (struct{}, error) {
			answers <- s.lookup(co, query)
			return struct{}{}, nil
		}))
	})
	if err != nil { // the loop has closed
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	select {
	case a := <-answers:
		w.Header().Set("Content-Type", a.ctype)
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	case <-r.Context().Done(): // the client went away: stop its query
		s.loop.CallSoonThreadsafe(func() { task.Cancel() })
	}
}

// lookup is the request handler proper, a coroutine on the loop.
func (s *server) lookup(co *coro.Co, query url.Values) answer {
	raw := query.Get("customer_id")
	if raw == "" {
		return text(http.StatusBadRequest, "missing customer_id: use GET /?customer_id=42")
	}
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return text(http.StatusBadRequest, fmt.Sprintf("malformed customer_id %q: want a whole number from 1 up", raw))
	}
	// The read blocks (disk, the file lock), so it runs off the loop.
	row, err := sched.ToThread(co, func(ctx context.Context) ([]byte, error) {
		var row []byte
		err := s.db.View(func(tx *bolt.Tx) error {
			if v := tx.Bucket(bucket).Get(key(id)); v != nil {
				row = append([]byte(nil), v...) // v is only valid inside the transaction
			}
			return nil
		})
		return row, err
	})
	switch {
	case errors.Is(err, context.Canceled):
		return text(http.StatusServiceUnavailable, "request cancelled")
	case err != nil:
		return text(http.StatusInternalServerError, "database error: "+err.Error())
	case row == nil:
		return text(http.StatusNotFound, fmt.Sprintf("customer with id:'%d' doesn't exist.", id))
	}
	return answer{http.StatusOK, "application/json", string(row) + "\n"}
}

// serve serves on ln with the database at dbPath until ctx is cancelled, then
// shuts down cleanly: it returns once every request in flight is answered and
// every goroutine it started has exited.
func serve(ctx context.Context, ln net.Listener, dbPath string) error {
	db, err := openDB(dbPath)
	if err != nil {
		ln.Close()
		return err
	}
	defer db.Close()
	_, err = sched.Run(coro.New(func(co *coro.Co) (struct{}, error) {
		l := sched.LoopOf(co)
		release := l.Hold() // the loop waits for requests, not for a timer
		defer release()
		srv := &http.Server{Handler: &server{loop: l, db: db}, ReadHeaderTimeout: 10 * time.Second}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()

		stop := sched.NewFuture[error](co)
		go func() {
			var err error
			select {
			case <-ctx.Done():
			case err = <-served:
				served <- err // for the final receive below
			}
			l.CallSoonThreadsafe(func() { stop.SetResult(err) })
		}()
		serveErr, err := stop.Await(co)
		if err != nil {
			return struct{}{}, err
		}
		// Shutdown waits for the handlers, which need the loop: off the loop.
		_, err = sched.ToThread(co, func(context.Context) (struct{}, error) {
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
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("serving on http://%s/?customer_id=42 (database %s, customers 1 to %d); Ctrl-C stops\n", ln.Addr(), *dbPath, seedCount)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, ln, *dbPath); err != nil {
		log.Fatal(err)
	}
}
