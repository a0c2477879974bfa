package engine

import "fmt"

// ValidDefinitionRefs is what every store checks before
// PublishDefinitions touches anything: a non-empty list of refs that each
// name a kind, an ID and a version, none twice. Returns EINVALID.
func ValidDefinitionRefs(refs []DefinitionRef) error {
	if len(refs) == 0 {
		return Errorf(EINVALID, "nothing to publish: the list of definitions is empty")
	}
	seen := make(map[DefinitionRef]bool, len(refs))
	for _, r := range refs {
		if r.Kind == "" || r.ID == "" || r.Version <= 0 {
			return Errorf(EINVALID, "a definition to publish needs a kind, an ID and a version")
		}
		k := DefinitionRef{Kind: r.Kind, ID: r.ID, Version: r.Version}
		if seen[k] {
			return Errorf(EINVALID, "%s %s version %d is named twice", r.Kind, r.ID, r.Version)
		}
		seen[k] = true
	}
	return nil
}

// String is "kind id@version", as errors and audit events name a ref.
func (r DefinitionRef) String() string { return fmt.Sprintf("%s %s@%d", r.Kind, r.ID, r.Version) }
