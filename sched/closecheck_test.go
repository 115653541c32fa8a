package sched_test

// A Loop that is dropped without Close keeps one goroutine per pending task
// forever: a suspended task's coroutine refers to its loop (through the task,
// its timers and futures), and a parked coroutine's stack is a root for the
// collector, so neither the loop nor the coroutine can ever be collected and
// closed the way a dropped generator is. Close is therefore the rule, and this
// vet-like check enforces it across the module: every function that calls
// sched.NewLoop also calls Close on what it assigned the loop to (or returns
// the loop to a caller who must).

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestEveryNewLoopIsClosed(t *testing.T) {
	root := ".."
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || fn.Name.Name == "NewLoop" {
				continue
			}
			for _, name := range unclosedLoops(fn.Body) {
				t.Errorf("%s: %s assigns sched.NewLoop to %s and never calls %s.Close (a Loop dropped with pending tasks leaks their goroutines)",
					fset.Position(fn.Pos()), fn.Name.Name, name, name)
			}
			checked++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no function checked: is the module root at ..?")
	}
}

// unclosedLoops returns the names that body assigns a NewLoop result to and
// neither closes nor returns.
func unclosedLoops(body *ast.BlockStmt) []string {
	loops := map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, rhs := range as.Rhs {
			if isNewLoopCall(rhs) {
				if id, ok := as.Lhs[i].(*ast.Ident); ok {
					loops[id.Name] = false
				}
			}
		}
		return true
	})
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Close" {
				if id, ok := sel.X.(*ast.Ident); ok {
					if _, ok := loops[id.Name]; ok {
						loops[id.Name] = true
					}
				}
			}
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if id, ok := r.(*ast.Ident); ok {
					if _, ok := loops[id.Name]; ok {
						loops[id.Name] = true
					}
				}
			}
		}
		return true
	})
	var open []string
	for name, closed := range loops {
		if !closed {
			open = append(open, name)
		}
	}
	return open
}

func isNewLoopCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	switch f := call.Fun.(type) {
	case *ast.SelectorExpr:
		return f.Sel.Name == "NewLoop"
	case *ast.Ident:
		return f.Name == "NewLoop"
	}
	return false
}

func TestUnclosedLoopsFindsTheLeak(t *testing.T) {
	src := `package p
func leaks() { l := sched.NewLoop(); sched.RunOn(l, c) }
func closes() { l := sched.NewLoop(); defer l.Close(); sched.RunOn(l, c) }
func returns() *sched.Loop { l := sched.NewLoop(); return l }`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"leaks": 1, "closes": 0, "returns": 0}
	for _, d := range f.Decls {
		fn := d.(*ast.FuncDecl)
		if got := len(unclosedLoops(fn.Body)); got != want[fn.Name.Name] {
			t.Errorf("%s: %d unclosed loops; want %d", fn.Name.Name, got, want[fn.Name.Name])
		}
	}
}
