package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The OpenAPI document is checked against the real router and handlers:
//   - it is OpenAPI 3.1, every $ref resolves, operation ids are unique;
//   - every schema is valid JSON Schema 2020-12 (the validator checks each
//     against its metaschema when compiling);
//   - every documented operation is routed, and a request built from the
//     parameters' examples answers a documented status (never 404/405)
//     whose body validates against the documented schema;
//   - every route under /api (and the probes and /metrics) is documented;
//   - every example validates against its schema.
//
// Schemas are validated strictly: the test adds unevaluatedProperties:false
// to every object schema with properties, so a field a handler returns
// but the document does not describe fails the test. The served document
// stays lenient, so that clients accept fields added later.

const docURL = "https://vigie.invalid/api/openapi.json"

type openAPI struct {
	doc    map[string]any
	schema *jsonschema.Compiler
	cache  map[string]*jsonschema.Schema
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDoc))
	if err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		t.Fatal("openapi.json is not an object")
	}
	strict, _ := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDoc))
	strictSchemas(strict)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, strict); err != nil {
		t.Fatal(err)
	}
	return &openAPI{doc: m, schema: c, cache: map[string]*jsonschema.Schema{}}
}

// strictSchemas adds unevaluatedProperties:false to every schema object
// that lists properties and says nothing about others.
func strictSchemas(v any) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"].(map[string]any); ok {
			_, ap := v["additionalProperties"]
			_, up := v["unevaluatedProperties"]
			if !ap && !up {
				v["unevaluatedProperties"] = false
			}
		}
		for k, sub := range v {
			if k == "example" || k == "examples" {
				continue
			}
			strictSchemas(sub)
		}
	case []any:
		for _, sub := range v {
			strictSchemas(sub)
		}
	}
}

func pointer(parts ...string) string {
	r := strings.NewReplacer("~", "~0", "/", "~1")
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("/" + r.Replace(p))
	}
	return b.String()
}

// compile returns the schema at a JSON pointer in the document.
func (o *openAPI) compile(t *testing.T, ptr string) *jsonschema.Schema {
	t.Helper()
	if s, ok := o.cache[ptr]; ok {
		return s
	}
	s, err := o.schema.Compile(docURL + "#" + ptr)
	if err != nil {
		t.Fatalf("schema at %s: %v", ptr, err)
	}
	o.cache[ptr] = s
	return s
}

// resolve follows a local $ref, returning the target and its pointer.
func (o *openAPI) resolve(t *testing.T, v map[string]any, ptr string) (map[string]any, string) {
	t.Helper()
	ref, ok := v["$ref"].(string)
	if !ok {
		return v, ptr
	}
	if !strings.HasPrefix(ref, "#/") {
		t.Fatalf("%s: non-local $ref %q", ptr, ref)
	}
	var cur any = o.doc
	for _, p := range strings.Split(ref[2:], "/") {
		p = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: $ref %q does not resolve", ptr, ref)
		}
		if cur, ok = m[p]; !ok {
			t.Fatalf("%s: $ref %q does not resolve", ptr, ref)
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		t.Fatalf("%s: $ref %q is not an object", ptr, ref)
	}
	return m, ref[1:]
}

type operation struct {
	path, method string
	op           map[string]any
	ptr          string
}

func (o *openAPI) operations() []operation {
	var ops []operation
	for path, item := range o.doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
				ops = append(ops, operation{path, strings.ToUpper(method), op.(map[string]any), pointer("paths", path, method)})
			}
		}
	}
	slices.SortFunc(ops, func(a, b operation) int { return strings.Compare(a.path+a.method, b.path+b.method) })
	return ops
}

// exampleRequest fills path parameters and query parameters from their
// examples.
func (op operation) exampleRequest(t *testing.T) string {
	t.Helper()
	path := op.path
	q := url.Values{}
	params, _ := op.op["parameters"].([]any)
	for _, p := range params {
		p := p.(map[string]any)
		name, in := p["name"].(string), p["in"].(string)
		ex, hasEx := p["example"]
		switch in {
		case "path":
			if !hasEx {
				t.Fatalf("%s %s: path parameter %s has no example", op.method, op.path, name)
			}
			path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(fmt.Sprint(ex)))
		case "query":
			switch ex := ex.(type) {
			case nil:
			case []any:
				for _, v := range ex {
					q.Add(name, fmt.Sprint(v))
				}
			default:
				q.Set(name, fmt.Sprint(ex))
			}
		}
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path
}

// checkResponse validates a live response against the operation's
// documented response for its status.
func (o *openAPI) checkResponse(t *testing.T, op operation, status int, hdr http.Header, body []byte) {
	t.Helper()
	responses := op.op["responses"].(map[string]any)
	raw, ok := responses[strconv.Itoa(status)].(map[string]any)
	ptr := pointer("paths", op.path, strings.ToLower(op.method), "responses", strconv.Itoa(status))
	if !ok {
		if raw, ok = responses["default"].(map[string]any); !ok {
			t.Errorf("%s %s: status %d is not documented: %.300s", op.method, op.path, status, body)
			return
		}
		ptr = pointer("paths", op.path, strings.ToLower(op.method), "responses", "default")
	}
	resp, ptr := o.resolve(t, raw, ptr)
	ct, _, err := mime.ParseMediaType(hdr.Get("Content-Type"))
	if err != nil {
		t.Errorf("%s %s: content type %q", op.method, op.path, hdr.Get("Content-Type"))
		return
	}
	content, _ := resp["content"].(map[string]any)
	if _, ok := content[ct]; !ok {
		t.Errorf("%s %s: %d answered %s, documented %v", op.method, op.path, status, ct, keys(content))
		return
	}
	if !strings.HasSuffix(ct, "json") {
		return
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s %s: body is not JSON: %v", op.method, op.path, err)
		return
	}
	if err := o.compile(t, ptr+pointer("content", ct, "schema")).Validate(v); err != nil {
		t.Errorf("%s %s: %d response does not match its schema: %v\n%.500s", op.method, op.path, status, err, body)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestOpenAPIDocument(t *testing.T) {
	o := loadOpenAPI(t)
	if v, _ := o.doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := o.doc["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		t.Error("info lacks title or version")
	}
	// Every $ref resolves.
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["$ref"]; ok {
				o.resolve(t, v, ptr)
			}
			for k, sub := range v {
				walk(sub, ptr+pointer(k))
			}
		case []any:
			for i, sub := range v {
				walk(sub, ptr+pointer(strconv.Itoa(i)))
			}
		}
	}
	walk(o.doc, "")
	// Operations: unique ids, documented responses.
	ids := map[string]string{}
	for _, op := range o.operations() {
		id, _ := op.op["operationId"].(string)
		if id == "" || ids[id] != "" {
			t.Errorf("%s %s: operationId %q missing or used twice", op.method, op.path, id)
		}
		ids[id] = op.path
		if r, _ := op.op["responses"].(map[string]any); len(r) == 0 {
			t.Errorf("%s %s: no responses", op.method, op.path)
		}
	}
	// Every schema compiles (each is checked against the 2020-12
	// metaschema) and every example validates against its schema.
	for name := range o.doc["components"].(map[string]any)["schemas"].(map[string]any) {
		o.compile(t, pointer("components", "schemas", name))
	}
	examples := 0
	var checkExamples func(v any, ptr string)
	checkExamples = func(v any, ptr string) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if content, ok := m["content"].(map[string]any); ok {
			for ct, mt := range content {
				mt := mt.(map[string]any)
				ex, ok := mt["example"]
				if !ok {
					continue
				}
				examples++
				if !strings.HasSuffix(ct, "json") {
					continue
				}
				if err := o.compile(t, ptr+pointer("content", ct, "schema")).Validate(ex); err != nil {
					t.Errorf("example at %s does not match its schema: %v", ptr+pointer("content", ct), err)
				}
			}
		}
		for k, sub := range m {
			checkExamples(sub, ptr+pointer(k))
		}
	}
	checkExamples(o.doc, "")
	if examples < 10 {
		t.Errorf("only %d examples checked", examples)
	}
	// Parameter examples validate against the parameter schemas.
	for _, op := range o.operations() {
		params, _ := op.op["parameters"].([]any)
		for i, p := range params {
			p := p.(map[string]any)
			if ex, ok := p["example"]; ok {
				if err := o.compile(t, op.ptr+pointer("parameters", strconv.Itoa(i), "schema")).Validate(ex); err != nil {
					t.Errorf("%s %s: example of %s: %v", op.method, op.path, p["name"], err)
				}
			}
		}
	}
}

// documentedRoute reports whether a chi route must be in the document:
// the API, the probes and the metrics (the web pages are not API).
func documentedRoute(pattern string) bool {
	return strings.HasPrefix(pattern, "/api/") || pattern == "/healthz" || pattern == "/readyz" || pattern == "/metrics"
}

func TestOpenAPIMatchesRouter(t *testing.T) {
	ts, _ := newTestServer(t)
	o := loadOpenAPI(t)
	routes, ok := ts.Config.Handler.(chi.Routes)
	if !ok {
		t.Fatal("the router is not a chi router")
	}

	// The served document is the embedded one.
	status, hdr, body := get(t, ts, "/api/openapi.json")
	if status != 200 || !bytes.Equal(body, openAPIDoc) || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/openapi.json: %d %s", status, hdr.Get("Content-Type"))
	}

	documented := map[string]bool{}
	for _, op := range o.operations() {
		documented[op.method+" "+op.path] = true
		t.Run(op.method+" "+op.path, func(t *testing.T) {
			path := op.exampleRequest(t)
			u, _ := url.Parse(path)
			if !routes.Match(chi.NewRouteContext(), op.method, u.Path) {
				t.Fatalf("%s %s is documented but not routed", op.method, u.Path)
			}
			req, _ := http.NewRequest(op.method, ts.URL+path, nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 404 || res.StatusCode == 405 || res.StatusCode >= 500 {
				t.Fatalf("%s %s answered %d: %.300s", op.method, path, res.StatusCode, body)
			}
			o.checkResponse(t, op, res.StatusCode, res.Header, body)
		})
	}

	// Every API route is documented.
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if documentedRoute(route) && !documented[method+" "+route] {
			t.Errorf("route %s %s is not in openapi.json", method, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Error responses match their documented schemas too.
	ops := map[string]operation{}
	for _, op := range o.operations() {
		ops[op.path] = op
	}
	for _, tt := range []struct{ op, path string }{
		{"/api/v1/search", "/api/v1/search?size=1000"},
		{"/api/v1/search", "/api/v1/search?q=" + strings.Repeat("cyber+", 40)},
		{"/api/v1/search", "/api/v1/search?after=garbage"},
		{"/api/v1/documents/{id}", "/api/v1/documents/no-such-document"},
		{"/api/v1/passages/{id}", "/api/v1/passages/no~such"},
		{"/api/v1/changes", "/api/v1/changes?since=yesterday"},
		{"/api/v1/changes", "/api/v1/changes?kind=moved"},
		{"/api/v1/changes", "/api/v1/changes?size=1000"},
		{"/api/v1/documents/{id}/history", "/api/v1/documents/no-such-document/history"},
	} {
		status, hdr, body := get(t, ts, tt.path)
		if status < 400 {
			t.Errorf("GET %s: %d, want an error", tt.path, status)
		}
		o.checkResponse(t, ops[tt.op], status, hdr, body)
	}

	// Before an index is open every operation answers a documented status.
	empty := httptest.NewServer(NewRouter(&Handle{}, Options{}))
	defer empty.Close()
	for _, op := range o.operations() {
		req, _ := http.NewRequest(op.method, empty.URL+op.exampleRequest(t), nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		o.checkResponse(t, op, res.StatusCode, res.Header, body)
	}
}

// TestOpenAPIStrictnessBites: the strict validation used above rejects a
// field the document does not describe, so the router test cannot pass
// with an out-of-date document.
func TestOpenAPIStrictnessBites(t *testing.T) {
	o := loadOpenAPI(t)
	sch := o.compile(t, pointer("components", "schemas", "Health"))
	if err := sch.Validate(map[string]any{"status": "ok"}); err != nil {
		t.Fatalf("valid health: %v", err)
	}
	if err := sch.Validate(map[string]any{"status": "ok", "undocumented": true}); err == nil {
		t.Error("an undocumented field passed validation")
	}
	var v any
	_ = json.Unmarshal([]byte(`{"status":"ok","uptime":3}`), &v)
	if err := sch.Validate(v); err == nil {
		t.Error("an undocumented field passed validation")
	}
}
