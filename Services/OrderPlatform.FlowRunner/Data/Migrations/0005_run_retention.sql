-- The retention sweep looks for finished runs oldest first.
CREATE INDEX flow_run_finished ON flow_run (finished_at) WHERE finished_at IS NOT NULL;
