package checks_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEveryWhyIsSaid: every failing or erroring result built in checks
// (Failf, Errorf) gives its why as catalogue messages too: a Say in the
// same chain of calls, or, for a result kept in a variable, a Say on that
// variable in the same function.
func TestEveryWhyIsSaid(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var unsaid []string
	calls := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || fn.Name.Name == "Failf" || fn.Name.Name == "Errorf" {
				continue
			}
			said := saidVars(fn.Body)
			// A why changed after the result was built (r.Why += "...")
			// needs its messages changed too: the function says something.
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				as, ok := n.(*ast.AssignStmt)
				if !ok {
					return true
				}
				for _, l := range as.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Why" {
						if id, ok := sel.X.(*ast.Ident); !ok || !said[id.Name] {
							unsaid = append(unsaid, fmt.Sprintf("%s: %s changes a why it does not say", f, fn.Name.Name))
						}
					}
				}
				return true
			})
			var stack []ast.Node
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if n == nil {
					stack = stack[:len(stack)-1]
					return true
				}
				stack = append(stack, n)
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				id, ok := call.Fun.(*ast.Ident)
				if !ok || (id.Name != "Failf" && id.Name != "Errorf") {
					return true
				}
				calls++
				if !chainSays(stack, said) {
					unsaid = append(unsaid, f+": "+formatOf(call))
				}
				return true
			})
		}
	}
	require.Greater(t, calls, 100, "the scan found too few Failf/Errorf calls: is it still looking at the right files?")
	slices.Sort(unsaid)
	require.Empty(t, unsaid, "%s\nthese whys reach a learner in English only: give them catalogue messages (Result.Say, i18n/locales)", strings.Join(unsaid, "\n"))
}

// chainSays: the Failf/Errorf call at the top of stack is followed, in
// its chain of method calls, by .Say(...), or the chain is kept in a
// variable that is said in the function.
func chainSays(stack []ast.Node, said map[string]bool) bool {
	i := len(stack) - 1
	node := stack[i]
	for i >= 2 {
		sel, ok := stack[i-1].(*ast.SelectorExpr)
		if !ok || sel.X != node {
			break
		}
		call, ok := stack[i-2].(*ast.CallExpr)
		if !ok || call.Fun != sel {
			break
		}
		if sel.Sel.Name == "Say" {
			return true
		}
		node, i = call, i-2
	}
	if i < 1 {
		return false
	}
	switch p := stack[i-1].(type) {
	case *ast.AssignStmt:
		for j, rhs := range p.Rhs {
			if rhs == node && j < len(p.Lhs) {
				if id, ok := p.Lhs[j].(*ast.Ident); ok {
					return said[id.Name]
				}
			}
		}
	case *ast.ValueSpec:
		for j, v := range p.Values {
			if v == node && j < len(p.Names) {
				return said[p.Names[j].Name]
			}
		}
	}
	return false
}

// saidVars are the variables of a function body on which Say is called
// or whose WhyMsg is set.
func saidVars(body *ast.BlockStmt) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "Say" && sel.Sel.Name != "WhyMsg") {
			return true
		}
		// r.Say(...), r.WithFix(...).Say(...): the chain's root variable
		x := sel.X
		for {
			switch e := x.(type) {
			case *ast.CallExpr:
				x = e.Fun
				continue
			case *ast.SelectorExpr:
				x = e.X
				continue
			case *ast.Ident:
				out[e.Name] = true
			}
			break
		}
		return true
	})
	return out
}

func formatOf(call *ast.CallExpr) string {
	if len(call.Args) == 0 {
		return "()"
	}
	if lit, ok := call.Args[0].(*ast.BasicLit); ok {
		if s, err := strconv.Unquote(lit.Value); err == nil {
			return s
		}
	}
	return "(not a literal)"
}
