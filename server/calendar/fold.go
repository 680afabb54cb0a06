package calendar

import "bufio"

// maxLine is the longest a line may be, in octets, without its CRLF.
const maxLine = 75

// folder folds the lines written to it at 75 octets (RFC 5545 §3.1),
// never inside a UTF-8 sequence. Each Write must be whole lines ending in
// CRLF, which is how go-ical's encoder writes.
type folder struct {
	w *bufio.Writer
}

func (f *folder) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		end := 0
		for end < len(p) && p[end] != '\n' {
			end++
		}
		if end < len(p) {
			end++
		}
		f.line(p[:end])
		p = p[end:]
	}
	return n, nil
}

// line writes one line, CRLF included, folding it if it is too long.
func (f *folder) line(l []byte) {
	body := l
	if n := len(body); n >= 2 && body[n-2] == '\r' && body[n-1] == '\n' {
		body = body[:n-2]
	}
	if len(body) <= maxLine {
		f.w.Write(l)
		return
	}
	limit := maxLine
	for len(body) > limit {
		cut := limit
		for cut > 0 && body[cut]&0xC0 == 0x80 {
			cut--
		}
		f.w.Write(body[:cut])
		f.w.WriteString("\r\n ")
		body = body[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	f.w.Write(body)
	f.w.WriteString("\r\n")
}

// Flush writes what is buffered and reports the first write error, if any.
func (f *folder) Flush() error { return f.w.Flush() }
