package client

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Log appends one line per operation to <dir>/<userid>.log, as the course
// clients did: time, request, result.
type Log struct {
	Dir string
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
}

// FileName is the log file of a user; characters outside [A-Za-z0-9._-]
// become '_' so a Just Hungry name can never leave the log directory.
func (l *Log) FileName(user string) string {
	name := []byte(user)
	for i, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || (c == '.' && i > 0)
		if !ok {
			name[i] = '_'
		}
	}
	if len(name) == 0 {
		name = []byte("_")
	}
	return filepath.Join(l.Dir, string(name)+".log")
}

// Write records one operation of user. A log that cannot be written is
// reported, never fatal: the operation itself already happened.
func (l *Log) Write(user, request, result string) error {
	if l == nil || l.Dir == "" {
		return nil
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	if err := os.MkdirAll(l.Dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(l.FileName(user), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s request=%s result=%s\n", now().UTC().Format(time.RFC3339Nano), oneLine(request), oneLine(result))
	_, err = f.WriteString(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// oneLine keeps a log record on one line whatever a message holds.
func oneLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
}
