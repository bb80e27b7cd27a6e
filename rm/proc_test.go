package rm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"concord/replicas"
)

func TestProcPipelinesAndSurvivesCrash(t *testing.T) {
	argv, env := replicaCmd(t)
	p, err := StartProc(argv, env, nil)
	require.NoError(t, err)
	defer p.Kill()

	ref := &chainService{}
	got := make(chan replicas.Reply, 100)
	for i := 0; i < 100; i++ {
		q := &replicas.Request{Operation: "add", Args: []byte{byte(i)}, Enc: replicas.Encoding{LittleEndian: true, ArgsOffset: 4, CharCodeSet: 7}}
		want := ref.Execute(*q)
		p.Execute(q, func(r replicas.Reply, err error) {
			assert.NoError(t, err)
			assert.Equal(t, want.Body, r.Body)
			got <- r
		})
	}
	p.Flush()
	for i := 0; i < 100; i++ {
		<-got
	}
	d, err := p.Digest()
	require.NoError(t, err)
	assert.Equal(t, ref.Digest(), d)

	snap := make(chan []byte, 1)
	p.Snapshot(func(b []byte, err error) { require.NoError(t, err); snap <- b })
	p.Flush()
	assert.Equal(t, ref.Snapshot(), <-snap)

	assert.Error(t, p.Restore([]byte("short")), "the service's error comes back")
	assert.Error(t, p.SetFault("sideways"))
	require.NoError(t, p.SetFault("wrong"))
	wrong := make(chan replicas.Reply, 1)
	p.Execute(&replicas.Request{Operation: "add"}, func(r replicas.Reply, err error) { wrong <- r })
	p.Flush()
	assert.NotEqual(t, ref.Execute(replicas.Request{Operation: "add"}).Body, (<-wrong).Body)

	require.NoError(t, p.SetFault("crash"))
	failed := make(chan error, 1)
	p.Execute(&replicas.Request{Operation: "add"}, func(r replicas.Reply, err error) { failed <- err })
	p.Flush()
	assert.ErrorIs(t, <-failed, ErrReplicaDead)
	<-p.Dead()
	_, err = p.Digest()
	assert.ErrorIs(t, err, ErrReplicaDead)
}
