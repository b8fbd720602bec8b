package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The deployment files under deploy/ are checked here, in package main,
// so that the arguments they give vigie are checked against the flags the
// commands really define.

// obj is a decoded YAML mapping.
type obj = map[string]any

// at walks a path of keys (strings) and indexes (ints) through decoded
// YAML, returning nil where it leads nowhere.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(obj)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any) string { s, _ := v.(string); return s }

func strs(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, e := range l {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

func readYAML(t *testing.T, path string) []obj {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []obj
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var d obj
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
	return docs
}

// commandFlags returns the flag names a vigie subcommand defines, read
// from its --help.
func commandFlags(t *testing.T, sub string) map[string]bool {
	t.Helper()
	var out bytes.Buffer
	if code := run([]string{sub, "--help"}, io.Discard, &out); code != 0 {
		t.Fatalf("vigie %s --help: exit %d", sub, code)
	}
	flags := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+-(\S+)`).FindAllStringSubmatch(out.String(), -1) {
		flags[m[1]] = true
	}
	if len(flags) == 0 {
		t.Fatalf("vigie %s --help lists no flag:\n%s", sub, out.String())
	}
	return flags
}

// checkArgs checks that args run an existing subcommand with flags it
// defines, each flag that takes a value followed by one.
func checkArgs(t *testing.T, where string, args []string) {
	t.Helper()
	if len(args) == 0 {
		t.Errorf("%s: no arguments", where)
		return
	}
	sub := args[0]
	if !slices.Contains([]string{"serve", "index", "publish", "search", "healthcheck"}, sub) {
		t.Errorf("%s: unexpected subcommand %q", where, sub)
		return
	}
	flags := commandFlags(t, sub)
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "--") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if !flags[name] {
			t.Errorf("%s: vigie %s has no flag --%s", where, sub, name)
		}
	}
}

func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == "--"+name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v
		}
	}
	return ""
}

// storeFolder resolves a file:// store URL seen from inside a container
// to (volume, path inside the volume) through the container's mounts.
func storeFolder(t *testing.T, url string, volumes []string) (string, string) {
	t.Helper()
	p, ok := strings.CutPrefix(url, "file://")
	if !ok {
		t.Fatalf("store %q is not a file:// URL", url)
	}
	p, _, _ = strings.Cut(p, "?")
	for _, v := range volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 {
			continue
		}
		if rel, ok := strings.CutPrefix(p, parts[1]); ok && (rel == "" || rel[0] == '/') {
			return parts[0], rel
		}
	}
	t.Fatalf("store %q is on no volume of %v", url, volumes)
	return "", ""
}

func TestComposeFile(t *testing.T) {
	docs := readYAML(t, "../../deploy/compose.yaml")
	services, _ := at(docs[0], "services").(obj)
	for _, name := range []string{"index", "publish", "replica", "lb"} {
		if services[name] == nil {
			t.Fatalf("compose.yaml: no service %q", name)
		}
	}
	image := str(at(services, "index", "image"))
	for _, name := range []string{"index", "publish", "replica"} {
		if got := str(at(services, name, "image")); got != image || image == "" {
			t.Errorf("service %s: image %q, want %q as the others", name, got, image)
		}
		checkArgs(t, "compose "+name, strs(at(services, name, "command")))
	}
	if at(services, "index", "build") == nil {
		t.Errorf("the index service does not build the image")
	}
	if n, _ := at(services, "replica", "deploy", "replicas").(int); n != 3 {
		t.Errorf("replica: %v replicas, want 3", at(services, "replica", "deploy", "replicas"))
	}
	if got := str(at(services, "publish", "depends_on", "index", "condition")); got != "service_completed_successfully" {
		t.Errorf("publish waits for index with condition %q, want service_completed_successfully", got)
	}
	pub, rep := strs(at(services, "publish", "command")), strs(at(services, "replica", "command"))
	if pub[0] != "publish" || rep[0] != "serve" {
		t.Fatalf("publish runs %q, replica %q", pub[0], rep[0])
	}
	pv, pp := storeFolder(t, flagValue(pub, "to"), strs(at(services, "publish", "volumes")))
	rv, rp := storeFolder(t, flagValue(rep, "from"), strs(at(services, "replica", "volumes")))
	if pv != rv || pp != rp {
		t.Errorf("publish writes to volume %s at %q, replicas read volume %s at %q", pv, pp, rv, rp)
	}
	// The balancer's configuration: checks and retries.
	cfg, err := os.ReadFile("../../deploy/haproxy.cfg")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(strs(at(services, "lb", "volumes")), "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro") {
		t.Errorf("lb does not mount haproxy.cfg: %v", at(services, "lb", "volumes"))
	}
	for _, want := range []string{"option httpchk GET /readyz", "retry-on all-retryable-errors", "option redispatch", "replica:8080"} {
		if !bytes.Contains(cfg, []byte(want)) {
			t.Errorf("haproxy.cfg lacks %q", want)
		}
	}
}

func TestKubernetesManifests(t *testing.T) {
	files, _ := filepath.Glob("../../deploy/k8s/*.yaml")
	byKind := map[string][]obj{}
	var resources []string
	for _, f := range files {
		for _, d := range readYAML(t, f) {
			kind := str(d["kind"])
			byKind[kind] = append(byKind[kind], d)
			if kind == "Kustomization" {
				resources = strs(d["resources"])
			}
		}
	}
	for _, f := range files {
		if b := filepath.Base(f); b != "kustomization.yaml" && !slices.Contains(resources, b) {
			t.Errorf("kustomization.yaml does not list %s", b)
		}
	}
	for _, kind := range []string{"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "CronJob", "ConfigMap"} {
		if len(byKind[kind]) != 1 {
			t.Fatalf("want one %s, found %d", kind, len(byKind[kind]))
		}
	}
	dep, svc, pdb, hpa, cron := byKind["Deployment"][0], byKind["Service"][0], byKind["PodDisruptionBudget"][0], byKind["HorizontalPodAutoscaler"][0], byKind["CronJob"][0]
	config, _ := at(byKind["ConfigMap"][0], "data").(obj)
	podLabels, _ := at(dep, "spec", "template", "metadata", "labels").(obj)
	jobLabels, _ := at(cron, "spec", "jobTemplate", "spec", "template", "metadata", "labels").(obj)
	matches := func(sel any, labels obj) bool {
		m, _ := sel.(obj)
		for k, v := range m {
			if labels[k] != v {
				return false
			}
		}
		return len(m) > 0
	}
	if !matches(at(dep, "spec", "selector", "matchLabels"), podLabels) {
		t.Errorf("the Deployment's selector does not match its pods")
	}
	for name, sel := range map[string]any{"PodDisruptionBudget": at(pdb, "spec", "selector", "matchLabels"), "Service": at(svc, "spec", "selector")} {
		if !matches(sel, podLabels) {
			t.Errorf("the %s's selector %v does not match the replicas' labels %v", name, sel, podLabels)
		}
		if matches(sel, jobLabels) {
			t.Errorf("the %s's selector %v also matches the indexing job's pods", name, sel)
		}
	}
	replicas, _ := at(dep, "spec", "replicas").(int)
	minAvail, _ := at(pdb, "spec", "minAvailable").(int)
	minRep, _ := at(hpa, "spec", "minReplicas").(int)
	if minAvail < 1 || minAvail >= replicas || minAvail >= minRep {
		t.Errorf("PDB minAvailable %d with %d replicas (HPA min %d): a drain could never proceed, or nothing is protected", minAvail, replicas, minRep)
	}
	if str(at(hpa, "spec", "scaleTargetRef", "kind")) != "Deployment" || at(hpa, "spec", "scaleTargetRef", "name") != at(dep, "metadata", "name") {
		t.Errorf("the autoscaler targets %v, not the Deployment", at(hpa, "spec", "scaleTargetRef"))
	}
	if got := str(at(cron, "spec", "concurrencyPolicy")); got != "Forbid" {
		t.Errorf("CronJob concurrencyPolicy %q, want Forbid", got)
	}

	// Containers: one image everywhere, existing flags, the probes.
	c := at(dep, "spec", "template", "spec", "containers", 0).(obj)
	image := str(c["image"])
	compose := readYAML(t, "../../deploy/compose.yaml")
	if want := str(at(compose[0], "services", "replica", "image")); image != want {
		t.Errorf("Deployment image %q, compose's %q", image, want)
	}
	args := strs(c["args"])
	checkArgs(t, "Deployment", args)
	if args[0] != "serve" || !hasEnv(c, "VIGIE_FROM", config) {
		t.Errorf("replicas run %v without VIGIE_FROM from the ConfigMap", args)
	}
	ports := map[string]bool{}
	for _, p := range at(c, "ports").([]any) {
		ports[str(at(p, "name"))] = true
	}
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz", "startupProbe": "/healthz"} {
		if got := str(at(c, probe, "httpGet", "path")); got != path {
			t.Errorf("%s on %q, want %s", probe, got, path)
		}
		if port := str(at(c, probe, "httpGet", "port")); !ports[port] {
			t.Errorf("%s on port %q, which the container does not name", probe, port)
		}
	}
	if str(at(svc, "spec", "ports", 0, "targetPort")) != "http" || !ports["http"] {
		t.Errorf("the Service targets %v", at(svc, "spec", "ports"))
	}
	job := at(cron, "spec", "jobTemplate", "spec", "template", "spec").(obj)
	var steps []string
	for _, list := range []string{"initContainers", "containers"} {
		for _, jc := range at(job, list).([]any) {
			jc := jc.(obj)
			if str(jc["image"]) != image {
				t.Errorf("CronJob container %v: image %q, want %q", jc["name"], jc["image"], image)
			}
			a := strs(jc["args"])
			checkArgs(t, "CronJob "+str(jc["name"]), a)
			steps = append(steps, a[0])
			if a[0] == "publish" && !hasEnv(jc, "VIGIE_STORE", config) {
				t.Errorf("the publish container has no VIGIE_STORE from the ConfigMap")
			}
		}
	}
	if !slices.Equal(steps, []string{"index", "publish"}) {
		t.Errorf("the CronJob runs %v, want index then publish", steps)
	}
	if config["VIGIE_STORE"] != config["VIGIE_FROM"] {
		t.Errorf("the job publishes to %v, the replicas read %v", config["VIGIE_STORE"], config["VIGIE_FROM"])
	}
}

// hasEnv reports whether a container sets name from a key of the
// ConfigMap data.
func hasEnv(c obj, name string, data obj) bool {
	l, _ := c["env"].([]any)
	for _, e := range l {
		if str(at(e, "name")) == name {
			key := str(at(e, "valueFrom", "configMapKeyRef", "key"))
			return data[key] != nil
		}
	}
	return false
}
