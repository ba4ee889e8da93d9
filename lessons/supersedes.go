package lessons

// Supersedes names checks of an earlier lesson that this lesson changes
// on purpose. They count as passed ("superseded") while this lesson's
// step When passes, which proves the change was made as taught; any other
// failing check of the earlier lesson still fails it.
type Supersedes struct {
	// Lesson is the earlier lesson's slug.
	Lesson string `yaml:"lesson"`
	// Step is the earlier lesson's step (1-based).
	Step int `yaml:"step"`
	// Checks are the superseded checks of that step (1-based, in the
	// order the step lists them).
	Checks []int `yaml:"checks"`
	// When is this lesson's step (1-based) that makes the change.
	When int `yaml:"when"`
	// Because says why, for the report ("ns2 drops ns0's pings on purpose").
	Because string `yaml:"because"`
}
