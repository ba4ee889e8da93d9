package lessons

// Bases are the lessons a troubleshooting lesson's rounds may break.
func (l *Lesson) Bases(all []*Lesson) ([]*Lesson, error) {
	var out []*Lesson
	for _, slug := range l.Rounds {
		b, err := Find(all, slug)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
