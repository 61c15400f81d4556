//! The queries in the WLM queues (STV_WLM_QUERY_STATE joined with STV_INFLIGHT), kept in step with
//! the queue walks: each tick the queues hold as many queries as the walks say, so the counts the
//! warehouse reports, the metrics and the list an operator cancels from always agree.

use chrono::Duration;

use super::rng::SplitMix64;
use crate::model::{Tenant, Time, WLM_QUEUES};

/// A query running or queued now, with the process id `CANCEL` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningQuery {
    pub pid: i64,
    pub queue: String,
    pub user: String,
    /// `Running` or `Queued`.
    pub state: String,
    /// When it began executing, or when it entered the queue if it still waits.
    pub started_at: Time,
    pub sql: String,
}

/// Redshift process ids start at 2^30 and climb.
const FIRST_PID: i64 = 1_073_741_824;

/// How long queries present when the book is filled have been at it, per queue: ELT statements
/// run for minutes, learners' queries for a few, DQ checks for seconds.
const RUNNING_FOR_SECONDS: [i64; 3] = [600, 300, 60];

#[derive(Debug, Clone, PartialEq)]
struct SimQuery {
    pid: i64,
    /// Position in `WLM_QUEUES`.
    queue: usize,
    running: bool,
    since: Time,
}

/// How many queries each queue should hold: `[queued, running]` in `WLM_QUEUES` order.
pub(crate) type QueueCounts = [[u32; 2]; 3];

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryBook {
    seed: u64,
    next_pid: i64,
    /// Oldest first.
    queries: Vec<SimQuery>,
}

impl QueryBook {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seed,
            next_pid: FIRST_PID + SplitMix64::keyed(seed, "first-pid", 0).int_between(0, 90_000),
            queries: Vec::new(),
        }
    }

    /// Replaces every query with `counts` that have been waiting or running for a while, as a
    /// warehouse looks when first seen (at creation, or after a gap the world jumped).
    /// `max_wait_seconds` is each queue's longest wait.
    pub(crate) fn refill(&mut self, counts: QueueCounts, max_wait_seconds: [f64; 3], now: Time) {
        self.queries.clear();
        for (queue, [queued, running]) in counts.into_iter().enumerate() {
            for (is_running, count, longest) in [
                (true, running, RUNNING_FOR_SECONDS[queue]),
                (false, queued, max_wait_seconds[queue] as i64),
            ] {
                for _ in 0..count {
                    let pid = self.take_pid();
                    let back =
                        SplitMix64::keyed(self.seed, "query-age", pid).int_between(0, longest);
                    self.queries.push(SimQuery {
                        pid,
                        queue,
                        running: is_running,
                        since: now - Duration::seconds(back),
                    });
                }
            }
        }
        self.queries.sort_by_key(|q| (q.since, q.pid));
    }

    /// Brings every queue to `counts` at `now`: the longest-running queries finish, the longest
    /// waiting start, and new ones arrive.
    pub(crate) fn follow(&mut self, counts: QueueCounts, now: Time) {
        for (queue, [queued, running]) in counts.into_iter().enumerate() {
            while self.count(queue, true) > running {
                self.remove_oldest(queue, true);
            }
            while self.count(queue, true) < running {
                match self.oldest(queue, false) {
                    Some(index) => {
                        let query = &mut self.queries[index];
                        query.running = true;
                        query.since = now;
                    }
                    None => self.arrive(queue, true, now),
                }
            }
            // A queue that shrinks without freeing slots lost its longest waits to short query
            // acceleration or to the queue's timeout.
            while self.count(queue, false) > queued {
                self.remove_oldest(queue, false);
            }
            while self.count(queue, false) < queued {
                self.arrive(queue, false, now);
            }
        }
        self.queries.sort_by_key(|q| (q.since, q.pid));
    }

    /// Removes the query `pid`; returns its queue and whether it was running.
    pub(crate) fn cancel(&mut self, pid: i64) -> Option<(usize, bool)> {
        let index = self.queries.iter().position(|q| q.pid == pid)?;
        let query = self.queries.remove(index);
        Some((query.queue, query.running))
    }

    /// `[queued, running]` per queue.
    pub(crate) fn counts(&self) -> QueueCounts {
        let mut counts = [[0; 2]; 3];
        for query in &self.queries {
            counts[query.queue][usize::from(query.running)] += 1;
        }
        counts
    }

    /// The queries as the warehouse lists them: by queue, running before queued, oldest first.
    /// `tenants` supply the schemas the statements read.
    pub(crate) fn list(&self, tenants: &[Tenant]) -> Vec<RunningQuery> {
        let mut queries: Vec<&SimQuery> = self.queries.iter().collect();
        queries.sort_by_key(|q| (q.queue, !q.running, q.since, q.pid));
        queries
            .into_iter()
            .map(|query| {
                let (user, sql) = self.statement(query, tenants);
                RunningQuery {
                    pid: query.pid,
                    queue: WLM_QUEUES[query.queue].to_string(),
                    user,
                    state: if query.running { "Running" } else { "Queued" }.to_string(),
                    started_at: query.since,
                    sql,
                }
            })
            .collect()
    }

    fn count(&self, queue: usize, running: bool) -> u32 {
        self.queries
            .iter()
            .filter(|q| q.queue == queue && q.running == running)
            .count() as u32
    }

    /// The index of the query of `queue` in that state for the longest (the book is oldest first).
    fn oldest(&self, queue: usize, running: bool) -> Option<usize> {
        self.queries
            .iter()
            .position(|q| q.queue == queue && q.running == running)
    }

    fn remove_oldest(&mut self, queue: usize, running: bool) {
        if let Some(index) = self.oldest(queue, running) {
            self.queries.remove(index);
        }
    }

    fn arrive(&mut self, queue: usize, running: bool, now: Time) {
        let pid = self.take_pid();
        self.queries.push(SimQuery {
            pid,
            queue,
            running,
            since: now,
        });
    }

    fn take_pid(&mut self) -> i64 {
        let pid = self.next_pid;
        // Other sessions take pids in between, so consecutive queries' pids are a few apart.
        self.next_pid += SplitMix64::keyed(self.seed, "pid-step", pid).int_between(1, 9);
        pid
    }

    /// Who runs the query and what it says, a pure function of its pid.
    fn statement(&self, query: &SimQuery, tenants: &[Tenant]) -> (String, String) {
        let mut rng = SplitMix64::keyed(self.seed, "query-text", query.pid);
        let schema = tenants
            .get(rng.int_between(0, tenants.len() as i64 - 1) as usize)
            .map_or("public", |t| t.schema.as_str());
        let pick = rng.int_between(0, 2);
        match query.queue {
            0 => {
                let sql = match pick {
                    0 => format!(
                        "INSERT INTO analytics.daily_summary SELECT order_date, '{schema}', \
                         COUNT(*), SUM(quantity) FROM {schema}.orders \
                         WHERE order_date = CURRENT_DATE - 1 GROUP BY 1"
                    ),
                    1 => format!(
                        "CREATE TABLE marts.fct_daily_orders__dbt_tmp AS SELECT o.*, u.signup_date \
                         FROM {schema}.orders o JOIN {schema}.users u USING (user_id)"
                    ),
                    _ => format!("ANALYZE {schema}.orders"),
                };
                ("elt_stepfunctions".to_string(), sql)
            }
            1 => {
                let sql = match pick {
                    // As a learner writes it in a SQL client: one clause a line.
                    0 => format!(
                        "SELECT u.prefecture,\n       COUNT(*) AS orders,\n       \
                         SUM(o.quantity) AS items\nFROM {schema}.orders o\n\
                         JOIN {schema}.users u ON o.user_id = u.user_id\n\
                         WHERE o.order_date >= DATEADD(day, -90, CURRENT_DATE)\n\
                         GROUP BY 1\nORDER BY 2 DESC"
                    ),
                    1 => format!(
                        "SELECT product_id, SUM(quantity) FROM {schema}.orders \
                         WHERE order_date >= DATEADD(day, -30, CURRENT_DATE) \
                         GROUP BY 1 ORDER BY 2 DESC LIMIT 20"
                    ),
                    _ => format!("SELECT * FROM {schema}.products WHERE price > 10000"),
                };
                let learner = rng.int_between(1, 240);
                (format!("learner_{learner:03}"), sql)
            }
            _ => {
                let sql = match pick {
                    0 => format!("SELECT COUNT(*) FROM {schema}.orders WHERE quantity IS NULL"),
                    1 => format!("VACUUM DELETE ONLY {schema}.orders"),
                    _ => format!("SELECT MAX(updated_at) FROM {schema}.users"),
                };
                ("ops_lambda".to_string(), sql)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::source::sim::tenants;

    fn at(second: i64) -> Time {
        chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap() + Duration::seconds(second)
    }

    #[test]
    fn the_book_follows_the_counts_and_the_queued_start_first() {
        let mut book = QueryBook::new(3);
        book.refill([[4, 2], [1, 3], [0, 1]], [60.0, 10.0, 0.0], at(0));
        assert_eq!(book.counts(), [[4, 2], [1, 3], [0, 1]]);
        let list = book.list(&tenants::build(3));
        assert_eq!(list.len(), 11);
        assert!(list.iter().all(|q| q.started_at <= at(0)));
        let waiting: Vec<i64> = list
            .iter()
            .filter(|q| q.queue == "batch" && q.state == "Queued")
            .map(|q| q.pid)
            .collect();
        book.follow([[3, 3], [0, 0], [0, 1]], at(10));
        assert_eq!(book.counts(), [[3, 3], [0, 0], [0, 1]]);
        let list = book.list(&tenants::build(3));
        let started: Vec<&RunningQuery> = list
            .iter()
            .filter(|q| q.queue == "batch" && q.started_at == at(10))
            .collect();
        assert_eq!(started.len(), 1);
        assert_eq!(started[0].state, "Running");
        assert!(waiting.contains(&started[0].pid), "a waiting query started");
    }

    #[test]
    fn a_cancelled_query_is_gone_and_pids_are_unique() {
        let mut book = QueryBook::new(3);
        book.refill([[2, 2], [2, 2], [0, 0]], [30.0; 3], at(0));
        let list = book.list(&tenants::build(1));
        let mut pids: Vec<i64> = list.iter().map(|q| q.pid).collect();
        pids.sort_unstable();
        pids.dedup();
        assert_eq!(pids.len(), 8);
        let adhoc = list.iter().find(|q| q.queue == "adhoc").unwrap();
        assert!(adhoc.user.starts_with("learner_"), "{}", adhoc.user);
        assert_eq!(book.cancel(adhoc.pid), Some((1, true)));
        assert_eq!(book.cancel(adhoc.pid), None);
        assert_eq!(book.counts()[1], [2, 1]);
    }
}
