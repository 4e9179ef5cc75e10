package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/relucid/relucid/internal/csvio"
	"github.com/relucid/relucid/relu"
)

// TrainRequest is an exact training problem: data rows X with targets Y,
// one hidden layer of Width units, a loss, and whether the output map has a
// bias.
type TrainRequest struct {
	X          [][]float64
	Y          []float64
	Width      int
	Loss       string
	OutputBias bool
}

// TrainProgress is a progress report of a training run.
type TrainProgress struct {
	Done  int64    `json:"done"`           // units of work finished (e.g. guesses solved)
	Total int64    `json:"total"`          // units of work in all (0 if unknown)
	Best  *float64 `json:"best,omitempty"` // best objective so far, if any
}

// TrainResult is the answer of a training run.
type TrainResult struct {
	Objective float64        `json:"objective"`
	Net       *relu.Net      `json:"-"`
	Extra     map[string]any `json:"extra,omitempty"`
}

// maxTrainRows bounds the data the page trains on: exact training is
// exponential in the number of points, and the view is for small examples.
const maxTrainRows = 1000

// Losses the training view offers (design.md §3).
var trainLosses = []string{"squared", "absolute", "hinge", "logistic"}

// job is one training run. Its fields after mu are guarded by mu; changed
// is closed and replaced whenever they change.
type job struct {
	id     string
	cancel context.CancelFunc

	mu       sync.Mutex
	changed  chan struct{}
	state    string // running, done, failed, cancelled
	progress TrainProgress
	result   *TrainResult
	netID    string
	err      string
	started  time.Time
	elapsed  time.Duration
}

// JobStatus is the JSON form of a training job.
type JobStatus struct {
	ID        string         `json:"id"`
	State     string         `json:"state"`
	Progress  TrainProgress  `json:"progress"`
	Objective *float64       `json:"objective,omitempty"`
	Net       string         `json:"net,omitempty"` // id of the trained net
	Error     string         `json:"error,omitempty"`
	Seconds   float64        `json:"seconds"`
	Extra     map[string]any `json:"extra,omitempty"` // engine details, e.g. the certificate
}

func (j *job) status() (JobStatus, <-chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := JobStatus{ID: j.id, State: j.state, Progress: j.progress, Net: j.netID, Error: j.err}
	if j.result != nil {
		v := j.result.Objective
		st.Objective = &v
		st.Extra = j.result.Extra
	}
	el := j.elapsed
	if j.state == "running" {
		el = time.Since(j.started)
	}
	st.Seconds = el.Seconds()
	return st, j.changed
}

func (j *job) update(f func()) {
	j.mu.Lock()
	f()
	close(j.changed)
	j.changed = make(chan struct{})
	j.mu.Unlock()
}

// handleTrain starts a job: POST /api/train?width=W&loss=L[&output_bias=1]
// with the CSV as the body or as multipart field "data".
func (s *Server) handleTrain(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Engines.Train == nil {
		httpError(w, http.StatusNotImplemented, "exact training is not available on this server")
		return
	}
	q := r.URL.Query()
	width, err := strconv.Atoi(q.Get("width"))
	if err != nil || width < 1 {
		httpError(w, http.StatusBadRequest, "width %q: want a positive integer", q.Get("width"))
		return
	}
	loss := q.Get("loss")
	okLoss := false
	for _, l := range trainLosses {
		okLoss = okLoss || l == loss
	}
	if !okLoss {
		httpError(w, http.StatusBadRequest, "loss %q: want one of squared, absolute, hinge, logistic", loss)
		return
	}
	ob := q.Get("output_bias")
	data, name, err := s.readUpload(w, r, "data")
	if err != nil {
		s.bodyError(w, "data CSV", err)
		return
	}
	if name == "" {
		name = "data.csv"
	}
	rows, _, err := csvio.Read(bytes.NewReader(data))
	if err != nil {
		httpError(w, http.StatusBadRequest, "%s: %v", name, err)
		return
	}
	if len(rows) == 0 {
		httpError(w, http.StatusBadRequest, "%s: no data rows", name)
		return
	}
	if len(rows) > maxTrainRows {
		httpError(w, http.StatusBadRequest, "%s: %d rows; the web view trains on at most %d", name, len(rows), maxTrainRows)
		return
	}
	if len(rows[0]) < 2 {
		httpError(w, http.StatusBadRequest, "%s: need at least one input column and the target column", name)
		return
	}
	req := TrainRequest{Width: width, Loss: loss, OutputBias: ob == "1" || ob == "true"}
	for _, row := range rows {
		req.X = append(req.X, row[:len(row)-1])
		req.Y = append(req.Y, row[len(row)-1])
	}

	s.mu.Lock()
	for _, j := range s.jobs {
		if st, _ := j.status(); st.State == "running" {
			s.mu.Unlock()
			httpError(w, http.StatusConflict, "training job %s is still running; cancel it first", j.id)
			return
		}
	}
	s.pruneJobs()
	s.nextJb++
	ctx, cancel := context.WithCancel(s.baseCtx)
	j := &job{id: "t" + strconv.Itoa(s.nextJb), cancel: cancel, changed: make(chan struct{}),
		state: "running", started: time.Now()}
	s.jobs[j.id] = j
	s.mu.Unlock()

	go s.runJob(ctx, j, req, name)
	w.WriteHeader(http.StatusAccepted)
	st, _ := j.status()
	writeOK(w, st)
}

// maxJobs is how many finished training jobs the server remembers.
const maxJobs = 16

// pruneJobs forgets the oldest finished jobs beyond maxJobs. s.mu is held.
func (s *Server) pruneJobs() {
	for len(s.jobs) >= maxJobs {
		oldest := ""
		var t time.Time
		for id, j := range s.jobs {
			if st, _ := j.status(); st.State != "running" && (oldest == "" || j.started.Before(t)) {
				oldest, t = id, j.started
			}
		}
		if oldest == "" {
			return
		}
		delete(s.jobs, oldest)
	}
}

func (s *Server) runJob(ctx context.Context, j *job, req TrainRequest, name string) {
	defer j.cancel()
	res, err := s.cfg.Engines.Train(ctx, req, func(p TrainProgress) {
		j.update(func() { j.progress = p })
	})
	var netID string
	if err == nil && res != nil && res.Net != nil {
		netID = s.addNet(fmt.Sprintf("trained on %s (width %d, %s)", name, req.Width, req.Loss), res.Net, nil).id
	}
	j.update(func() {
		j.elapsed = time.Since(j.started)
		switch {
		case errors.Is(err, context.Canceled) || (err != nil && ctx.Err() != nil):
			j.state, j.err = "cancelled", "cancelled"
		case err != nil:
			j.state, j.err = "failed", err.Error()
		case res == nil:
			j.state, j.err = "failed", "training engine returned no result"
		default:
			j.state, j.result, j.netID = "done", res, netID
		}
	})
}

func (s *Server) lookupJob(w http.ResponseWriter, id string) *job {
	s.mu.Lock()
	j := s.jobs[id]
	s.mu.Unlock()
	if j == nil {
		httpError(w, http.StatusNotFound, "no training job %q", id)
	}
	return j
}

func (s *Server) handleTrainGet(w http.ResponseWriter, r *http.Request) {
	if j := s.lookupJob(w, r.PathValue("id")); j != nil {
		st, _ := j.status()
		writeOK(w, st)
	}
}

func (s *Server) handleTrainCancel(w http.ResponseWriter, r *http.Request) {
	if j := s.lookupJob(w, r.PathValue("id")); j != nil {
		j.cancel()
		st, _ := j.status()
		writeOK(w, st)
	}
}

// sseHeartbeat keeps idle event streams from being closed by proxies and
// lets the handler notice a vanished client.
const sseHeartbeat = 15 * time.Second

// sseMinGap is the least time between two events of one stream.
const sseMinGap = 100 * time.Millisecond

// handleTrainEvents streams the job's status as Server-Sent Events, one
// "status" event per change, until the job ends or the client leaves.
func (s *Server) handleTrainEvents(w http.ResponseWriter, r *http.Request) {
	j := s.lookupJob(w, r.PathValue("id"))
	if j == nil {
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		httpError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	tick := time.NewTicker(sseHeartbeat)
	defer tick.Stop()
	for {
		st, changed := j.status()
		b, err := json.Marshal(st)
		if err != nil {
			b, _ = json.Marshal(JobStatus{ID: st.ID, State: st.State, Error: "status not representable: " + err.Error()})
		}
		if _, err := fmt.Fprintf(w, "event: status\ndata: %s\n\n", b); err != nil {
			return
		}
		fl.Flush()
		if st.State != "running" {
			return
		}
		// Engines may report thousands of times a second; the page needs
		// a few updates a second.
		select {
		case <-time.After(sseMinGap):
		case <-r.Context().Done():
			return
		}
		select {
		case <-changed:
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case <-r.Context().Done():
			return
		}
	}
}
