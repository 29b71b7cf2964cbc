// Command alloy-stages runs the log shipper's rendered stage.json expressions and stage.template
// blocks over sample log lines with Go's own encoding/json and text/template, the libraries Alloy's
// loki.process stages use, so the templates' conditions (eq over a field a line may lack, and, or)
// are decided by the real template engine rather than by reading them.
//
// The glue follows Alloy's stages (internal/component/loki/process/stages/json.go, template.go,
// util.go): a JSON number, string, bool or null is stored as is and anything else re-encoded;
// a template sees every extracted value that converts to a string (null does not), and an empty
// result removes its key. Only plain field names are supported as expressions, the only kind the
// platform renders; anything else is an error rather than a guess.
//
// stdin: {"expressions": {key: field}, "templates": [{"source", "template"}], "lines": [string]}
// stdout: one JSON object per line: the extracted values after the templates, as strings.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"text/template"
)

type input struct {
	Expressions map[string]string `json:"expressions"`
	Templates   []struct {
		Source   string `json:"source"`
		Template string `json:"template"`
	} `json:"templates"`
	Lines []string `json:"lines"`
}

var plainField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func getString(v any) (string, bool) {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	default:
		return "", false
	}
}

func run() error {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	for key, field := range in.Expressions {
		if !plainField.MatchString(field) {
			return fmt.Errorf("expression %s = %q: only plain field names are supported", key, field)
		}
	}
	templates := make([]*template.Template, len(in.Templates))
	for i, t := range in.Templates {
		parsed, err := template.New(t.Source).Parse(t.Template)
		if err != nil {
			return fmt.Errorf("template for %s: %w", t.Source, err)
		}
		templates[i] = parsed
	}
	out := json.NewEncoder(os.Stdout)
	for _, line := range in.Lines {
		extracted := map[string]any{}
		var data map[string]any
		if json.Unmarshal([]byte(line), &data) == nil {
			for key, field := range in.Expressions {
				switch v := data[field].(type) {
				case float64, string, bool, nil:
					extracted[key] = v
				default:
					encoded, err := json.Marshal(v)
					if err != nil {
						return err
					}
					extracted[key] = string(encoded)
				}
			}
		}
		for i, t := range in.Templates {
			td := map[string]any{"Entry": line}
			for k, v := range extracted {
				if s, ok := getString(v); ok {
					td[k] = s
					if k == t.Source {
						td["Value"] = s
					}
				}
			}
			var buf bytes.Buffer
			if err := templates[i].Execute(&buf, td); err != nil {
				return fmt.Errorf("template for %s on line %q: %w", t.Source, line, err)
			}
			if buf.Len() == 0 {
				delete(extracted, t.Source)
			} else {
				extracted[t.Source] = buf.String()
			}
		}
		result := map[string]string{}
		for k, v := range extracted {
			if s, ok := getString(v); ok {
				result[k] = s
			}
		}
		if err := out.Encode(result); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "alloy-stages:", err)
		os.Exit(1)
	}
}
