//! What a finding says, as data, so it can be said in either language.

use crate::i18n::Lang;
use crate::model::format_duration_secs;

#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    IntegrationMissing {
        integration: String,
    },
    IntegrationStatus {
        integration: String,
        status: String,
        error: Option<String>,
    },
    IntegrationLag {
        integration: String,
        lag_seconds: f64,
        threshold_seconds: f64,
    },
    TablesNotSynced {
        count: usize,
        failed: usize,
        names: Vec<String>,
    },
    ExportFailed {
        id: String,
        cause: Option<String>,
    },
    ExportCanceled {
        id: String,
    },
    ExportMissing,
    ExportStale {
        age_hours: f64,
        max_hours: f64,
    },
    EltFailed {
        run: String,
        status: String,
        step: Option<String>,
        error: Option<String>,
        /// What the failed state said of its error (Step Functions' `cause`): the COPY's or
        /// dbt's own message, where the error is only its name.
        cause: Option<String>,
    },
    EltDelay {
        minutes: f64,
        threshold: f64,
    },
    CopyErrors {
        count: u64,
    },
    Storage {
        percent: f64,
        threshold: f64,
    },
    WlmQueue {
        queue: String,
        length: f64,
        threshold: f64,
    },
    QueryFailure {
        percent: f64,
        threshold: f64,
    },
    AdhocPaused {
        since: crate::model::Time,
        minutes: f64,
        parameter_group: String,
    },
    TableSkew {
        schema: String,
        table: String,
        percent: f64,
        threshold: f64,
    },
    Alarm {
        name: String,
        reason: String,
    },
}

impl Detail {
    /// The finding's message in `lang`. The English wording is the `check` JSON's `message`.
    pub fn render(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match self {
            Detail::IntegrationMissing { integration } => {
                if ja {
                    format!("統合 {integration} が見つかりません")
                } else {
                    format!("integration {integration} not found")
                }
            }
            Detail::IntegrationStatus {
                integration,
                status,
                error,
            } => {
                let error = error.as_ref().map(|e| format!(": {e}")).unwrap_or_default();
                if ja {
                    format!("統合 {integration} の状態が {status} です{error}")
                } else {
                    format!("integration {integration} is {status}{error}")
                }
            }
            Detail::IntegrationLag {
                integration,
                lag_seconds,
                threshold_seconds,
            } => {
                let (lag, threshold) = (
                    format_duration_secs(*lag_seconds, lang),
                    format_duration_secs(*threshold_seconds, lang),
                );
                if ja {
                    format!(
                        "統合 {integration} のレプリケーション遅延が {lag} です(閾値 {threshold})"
                    )
                } else {
                    format!("integration {integration} lags {lag} (threshold {threshold})")
                }
            }
            Detail::TablesNotSynced {
                count,
                failed,
                names,
            } => {
                let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
                let more = count.saturating_sub(shown.len());
                let list = shown.join(", ");
                if ja {
                    let more = if more > 0 {
                        format!(" ほか {more} 件")
                    } else {
                        String::new()
                    };
                    format!("{count} テーブルが未同期(うち失敗 {failed}): {list}{more}")
                } else {
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    format!("{count} table(s) not synced ({failed} failed): {list}{more}")
                }
            }
            Detail::ExportFailed { id, cause } => {
                let cause = cause
                    .clone()
                    .unwrap_or_else(|| lang.pick("no cause given", "原因不明").into());
                if ja {
                    format!("エクスポート {id} が失敗しました: {cause}")
                } else {
                    format!("export {id} failed: {cause}")
                }
            }
            Detail::ExportCanceled { id } => {
                if ja {
                    format!("エクスポート {id} はキャンセルされました")
                } else {
                    format!("export {id} was canceled")
                }
            }
            Detail::ExportMissing => lang
                .pick(
                    "no snapshot export found",
                    "スナップショットのエクスポートが見つかりません",
                )
                .into(),
            Detail::ExportStale {
                age_hours,
                max_hours,
            } => {
                if ja {
                    format!(
                        "最後に完了したエクスポートは {age_hours:.1} 時間前です(閾値 {max_hours} 時間)"
                    )
                } else {
                    format!(
                        "last completed export is {age_hours:.1} h old (threshold {max_hours} h)"
                    )
                }
            }
            Detail::EltFailed {
                run,
                status,
                step,
                error,
                cause,
            } => {
                let step = step
                    .clone()
                    .unwrap_or_else(|| lang.pick("unknown step", "不明なステップ").into());
                let error = error
                    .clone()
                    .unwrap_or_else(|| lang.pick("no error given", "エラー不明").into());
                let cause = cause.as_deref().map(str::trim).filter(|c| !c.is_empty());
                match (ja, cause) {
                    (true, Some(cause)) => format!(
                        "ELT 実行 {run} が {step} で {status} になりました: {error}(原因: {cause})"
                    ),
                    (true, None) => {
                        format!("ELT 実行 {run} が {step} で {status} になりました: {error}")
                    }
                    (false, Some(cause)) => {
                        format!("ELT run {run} {status} at {step}: {error} (cause: {cause})")
                    }
                    (false, None) => format!("ELT run {run} {status} at {step}: {error}"),
                }
            }
            Detail::EltDelay { minutes, threshold } => {
                if ja {
                    format!("ELT が最終成功から {minutes:.0} 分遅れています(閾値 {threshold} 分)")
                } else {
                    format!(
                        "ELT is {minutes:.0} min behind its last success (threshold {threshold} min)"
                    )
                }
            }
            Detail::CopyErrors { count } => {
                if ja {
                    format!("再ロードで解消していない COPY エラーが {count} 件(直近 24 時間)")
                } else {
                    format!("{count} COPY error(s) not fixed by a reload (last 24 h)")
                }
            }
            Detail::Storage { percent, threshold } => {
                if ja {
                    format!("ストレージ使用率 {percent:.1} %(閾値 {threshold} %)")
                } else {
                    format!("storage {percent:.1} % used (threshold {threshold} %)")
                }
            }
            Detail::WlmQueue {
                queue,
                length,
                threshold,
            } => {
                if ja {
                    format!("WLM キュー {queue} の待機クエリが {length:.0} 件(閾値 {threshold})")
                } else {
                    format!(
                        "{length:.0} queries waiting in WLM queue {queue} (threshold {threshold})"
                    )
                }
            }
            Detail::AdhocPaused {
                since,
                minutes,
                parameter_group,
            } => {
                let since = since.format("%Y-%m-%d %H:%M UTC");
                let paused_for = format_duration_secs(minutes * 60.0, lang);
                if ja {
                    format!(
                        "adhoc WLM キューが {since} から一時停止中({paused_for}、{parameter_group}): クエリは中止されます。:resume-adhoc で再開"
                    )
                } else {
                    format!(
                        "adhoc WLM queue PAUSED since {since} ({paused_for}, {parameter_group}): its queries are aborted until :resume-adhoc"
                    )
                }
            }
            Detail::QueryFailure { percent, threshold } => {
                if ja {
                    format!("直近 1 時間のクエリ失敗率 {percent:.1} %(閾値 {threshold} %)")
                } else {
                    format!(
                        "{percent:.1} % of queries failed in the last hour (threshold {threshold} %)"
                    )
                }
            }
            Detail::TableSkew {
                schema,
                table,
                percent,
                threshold,
            } => {
                if ja {
                    format!(
                        "テーブル {schema}.{table} のスキューが {percent:.0} %(閾値 {threshold} %): DISTKEY を見直してください"
                    )
                } else {
                    format!(
                        "table {schema}.{table} is {percent:.0} % skewed (threshold {threshold} %): review its DISTKEY"
                    )
                }
            }
            Detail::Alarm { name, reason } => {
                if ja {
                    format!("アラーム {name} が ALARM 状態です: {reason}")
                } else {
                    format!("alarm {name} is in ALARM: {reason}")
                }
            }
        }
    }
}
