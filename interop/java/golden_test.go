package javainterop

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/giop"
	"concord/giop/cdr"
	"concord/giop/ior"
	"concord/giop/orb"
	"concord/internal/benchecho"
)

// updateGolden rewrites testdata/golden from fresh JacORB traffic:
//
//	go test ./interop/java -run TestJacORBGolden -update-golden
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden from captured JacORB traffic")

const goldenDir = "testdata/golden"

// TestJacORBGolden records JacORB's big-endian messages through a relay:
// requests of the JacORB client to concord's bench-server, and replies of a
// JacORB server to concord's Go client, in GIOP 1.0 and 1.2. Each JacORB
// message must be big-endian, must parse with package giop, and must equal
// its committed golden file byte for byte (-update-golden rewrites them).
func TestJacORBGolden(t *testing.T) {
	cp := javaBuild(t)
	cases := []struct {
		name    string
		minor   uint8
		capture func(t *testing.T, minor uint8) [][]byte // JacORB's frames
		// want lists the message types JacORB must have sent, in order.
		want []giop.MsgType
	}{
		// JacORB's narrow of a corbaloc reference asks _is_a first.
		{"client-giop1.0", 0, captureJacORBClient, []giop.MsgType{giop.MsgRequest, giop.MsgRequest, giop.MsgRequest, giop.MsgRequest}},
		{"client-giop1.2", 2, captureJacORBClient, []giop.MsgType{giop.MsgRequest, giop.MsgRequest, giop.MsgRequest, giop.MsgRequest}},
		{"server-giop1.0", 0, captureJacORBServer(cp), []giop.MsgType{giop.MsgReply, giop.MsgReply, giop.MsgReply}},
		{"server-giop1.2", 2, captureJacORBServer(cp), []giop.MsgType{giop.MsgReply, giop.MsgReply, giop.MsgReply}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			frames := tc.capture(t, tc.minor)
			require.Len(t, frames, len(tc.want), "JacORB sent %d messages", len(frames))
			for i, f := range frames {
				m, err := giop.NewReader(bytes.NewReader(f), 1<<20).ReadMessage()
				require.NoError(t, err, "message %d", i)
				assert.False(t, m.Header.LittleEndian(), "JacORB marshals big-endian")
				assert.Equal(t, giop.Version{Major: 1, Minor: tc.minor}, m.Header.Version)
				require.Equal(t, tc.want[i], m.Header.Type, "message %d", i)
				switch m.Header.Type {
				case giop.MsgRequest:
					_, _, err = giop.ParseRequest(m, cdr.CodeSets{})
				case giop.MsgReply:
					_, _, err = giop.ParseReply(m, cdr.CodeSets{})
				}
				require.NoError(t, err, "message %d", i)

				name := filepath.Join(goldenDir, fmt.Sprintf("jacorb-%s-%d-%s.bin", tc.name, i+1, strings.ToLower(m.Header.Type.String())))
				if *updateGolden {
					require.NoError(t, os.MkdirAll(goldenDir, 0o755))
					require.NoError(t, os.WriteFile(name, f, 0o644))
					continue
				}
				want, err := os.ReadFile(name)
				require.NoError(t, err, "golden file missing: run with -update-golden")
				assert.Equal(t, want, f, "%s differs from fresh JacORB traffic", name)
			}
		})
	}
}

// captureJacORBClient runs the JacORB BenchClient through a relay to
// concord's bench-server and returns what JacORB sent.
func captureJacORBClient(t *testing.T, minor uint8) [][]byte {
	cp := javaBuild(t)
	_, addr := benchServer(t)
	r := startRelay(t, addr.String())
	version := "" // a corbaloc without a version is GIOP 1.0 to JacORB
	if minor != 0 {
		version = fmt.Sprintf("1.%d@", minor)
	}
	loc := fmt.Sprintf("corbaloc:iiop:%s%s/%s", version, r.addr(), benchecho.ObjectKey)
	_, err := runJava(t, cp, "jacorb", "BenchClient", loc, "ping", "add:2:3", "echo:hello")
	require.NoError(t, err)
	return onlyConn(t, r.close(), true)
}

// captureJacORBServer calls a JacORB server through a relay with concord's
// Go client and returns what JacORB sent.
func captureJacORBServer(cp classpaths) func(t *testing.T, minor uint8) [][]byte {
	return func(t *testing.T, minor uint8) [][]byte {
		key, addr := iorKeyAddress(t, javaServer(t, cp, "jacorb"))
		r := startRelay(t, addr.String())
		host, port := splitHostPort(t, r.addr())
		client := orb.NewClient(orb.ClientConfig{DialTimeout: 5 * time.Second})
		obj, err := client.StringToObject(ior.CorbalocURL(1, minor, ior.Address{Host: host, Port: port}, key))
		require.NoError(t, err)
		stub := benchecho.Stub{Ref: obj}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		require.NoError(t, stub.Ping(ctx))
		_, err = stub.Add(ctx, 2, 3)
		require.NoError(t, err)
		_, err = stub.EchoString(ctx, "hello")
		require.NoError(t, err)
		require.NoError(t, client.Close())
		return onlyConn(t, r.close(), false)
	}
}

// onlyConn returns the frames one side sent over the single relayed connection.
func onlyConn(t *testing.T, conns []*relayConn, fromClient bool) [][]byte {
	t.Helper()
	require.Len(t, conns, 1, "relayed connections")
	b := conns[0].fromServer
	if fromClient {
		b = conns[0].fromClient
	}
	frames, err := splitFrames(b)
	require.NoError(t, err)
	return frames
}

func splitHostPort(t *testing.T, hp string) (string, uint16) {
	t.Helper()
	i := strings.LastIndexByte(hp, ':')
	var port uint16
	_, err := fmt.Sscanf(hp[i+1:], "%d", &port)
	require.NoError(t, err)
	return hp[:i], port
}
