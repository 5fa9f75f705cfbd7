-- A rerun is a new run linked to the one it repeats; the original keeps its terminal status and its history.
ALTER TABLE flow_run ADD COLUMN rerun_of uuid REFERENCES flow_run (id) ON DELETE SET NULL;
ALTER TABLE flow_run ADD COLUMN rerun_strategy text CHECK (rerun_strategy IN ('FROM_FAILED_STEP', 'ON_LATEST_VERSION'));

-- A run is rerun at most once (a double click makes one rerun); to try again, rerun the rerun.
CREATE UNIQUE INDEX flow_run_rerun_once ON flow_run (rerun_of) WHERE rerun_of IS NOT NULL;

-- A step log row copied from the run named here (a rerun from the failed step reuses what had completed).
ALTER TABLE step_run ADD COLUMN reused_from uuid;
