//! Where an ARN opens in the AWS Management Console: one function, pure, for every ARN the console
//! shows (ELT executions, alarms, the warehouse, the tenants' clusters, integrations, exports and
//! snapshots).
//!
//! The console's host depends on the partition. For `aws` it is the Region's own endpoint,
//! `https://<region>.console.aws.amazon.com`, as the AWS General Reference documents
//! ("AWS Management Console endpoints and quotas",
//! <https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html>). For `aws-cn` it is
//! `https://console.amazonaws.cn` (the China Regions' domain is `amazonaws.cn`: "General
//! Information About Amazon Web Services China",
//! <https://docs.amazonaws.cn/en_us/aws/latest/userguide/general-info.html>), and for `aws-us-gov`
//! `https://console.amazonaws-us-gov.com`; neither page lists a per-Region console host, so the
//! Region goes in the `region=` query, which every console page reads.
//!
//! The paths and fragments after the host (`/states/home?region=…#/v2/executions/details/<arn>`,
//! `#alarmsV2:alarm/<name>`, …) are the consoles' own addresses as they show them in the browser.
//! AWS does not document them as an interface; where a resource has no address of its own that we
//! know, the URL opens the service's list of that kind of resource in the right Region instead.
//! The console opens in the account the browser is signed in to: a tenant's resources live in the
//! tenant's account.

/// An ARN's parts: `arn:<partition>:<service>:<region>:<account>:<resource>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// `None` when `text` is not an ARN of a partition the console knows.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let arn = Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        };
        let known = matches!(arn.partition, "aws" | "aws-cn" | "aws-us-gov");
        (known && !arn.service.is_empty() && !arn.resource.is_empty()).then_some(arn)
    }

    /// The console's host for this partition and Region.
    fn console_host(&self) -> String {
        match self.partition {
            "aws-cn" => "https://console.amazonaws.cn".to_string(),
            "aws-us-gov" => "https://console.amazonaws-us-gov.com".to_string(),
            _ if self.region.is_empty() => "https://console.aws.amazon.com".to_string(),
            _ => format!("https://{}.console.aws.amazon.com", self.region),
        }
    }

    /// `<host>/<console>/home?region=<region>#<fragment>`.
    fn page(&self, console: &str, fragment: &str) -> String {
        format!(
            "{}/{console}/home?region={}#{fragment}",
            self.console_host(),
            self.region
        )
    }
}

/// The AWS console URL that shows the resource `arn` names; `None` for what is not an ARN or an
/// ARN of a service the console does not show.
pub fn console_url(arn: &str) -> Option<String> {
    let parsed = Arn::parse(arn)?;
    let (kind, id) = parsed
        .resource
        .split_once([':', '/'])
        .unwrap_or((parsed.resource, ""));
    let url = match (parsed.service, kind) {
        // Step Functions names an execution by its whole ARN.
        ("states", "execution") => parsed.page("states", &format!("/v2/executions/details/{arn}")),
        ("states", "stateMachine") => parsed.page("states", &format!("/statemachines/view/{arn}")),
        ("cloudwatch", "alarm") => {
            parsed.page("cloudwatch", &format!("alarmsV2:alarm/{}", encode(id)))
        }
        ("redshift", "cluster") => parsed.page(
            "redshiftv2",
            &format!("cluster-details?cluster={}", encode(id)),
        ),
        // A namespace's ARN holds its id, not the name the console's page is addressed by.
        ("redshift-serverless", _) => parsed.page("redshiftv2", "serverless-dashboard"),
        ("redshift", _) => parsed.page("redshiftv2", "clusters"),
        ("rds", "cluster") => parsed.page(
            "rds",
            &format!("database:id={};is-cluster=true", encode(id)),
        ),
        ("rds", "db") => parsed.page(
            "rds",
            &format!("database:id={};is-cluster=false", encode(id)),
        ),
        ("rds", "integration") => parsed.page("rds", "integrations:"),
        ("rds", "cluster-snapshot" | "snapshot") => parsed.page("rds", "snapshots-list:"),
        ("rds", "export-task") => parsed.page("rds", "exports-in-s3:"),
        ("rds", _) => parsed.page("rds", "databases:"),
        ("s3", _) => format!(
            "{}/s3/buckets/{}?region={}",
            parsed.console_host(),
            parsed.resource,
            parsed.region
        ),
        _ => return None,
    };
    Some(url)
}

/// Percent-encodes what is not an unreserved URL character (RFC 3986, section 2.3), so an alarm
/// named with spaces or slashes stays one fragment.
fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_execution_opens_its_details_in_its_region() {
        let arn = "arn:aws:states:ap-northeast-1:123456789012:execution:daily-elt:daily-elt-20261121-0558-rerun-1";
        assert_eq!(
            console_url(arn).unwrap(),
            format!(
                "https://ap-northeast-1.console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/{arn}"
            )
        );
    }

    #[test]
    fn a_state_machine_opens_its_view() {
        let arn = "arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt";
        assert_eq!(
            console_url(arn).unwrap(),
            format!(
                "https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/statemachines/view/{arn}"
            )
        );
    }

    #[test]
    fn an_alarm_opens_by_its_encoded_name() {
        assert_eq!(
            console_url("arn:aws:cloudwatch:us-east-1:999999999999:alarm:Alert-COPY-Error")
                .unwrap(),
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/Alert-COPY-Error"
        );
        assert_eq!(
            console_url("arn:aws:cloudwatch:us-east-1:999999999999:alarm:ELT late: tenant/b")
                .unwrap(),
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/ELT%20late%3A%20tenant%2Fb"
        );
    }

    #[test]
    fn the_warehouse_opens_its_cluster_or_the_serverless_dashboard() {
        assert_eq!(
            console_url("arn:aws:redshift:us-east-1:999999999999:cluster:dpc-learning").unwrap(),
            "https://us-east-1.console.aws.amazon.com/redshiftv2/home?region=us-east-1#cluster-details?cluster=dpc-learning"
        );
        assert_eq!(
            console_url(
                "arn:aws:redshift-serverless:us-east-1:999999999999:namespace/3e5a9c4d-0000-4f6a-9a8b-1c2d3e4f5a6b"
            )
            .unwrap(),
            "https://us-east-1.console.aws.amazon.com/redshiftv2/home?region=us-east-1#serverless-dashboard"
        );
    }

    #[test]
    fn rds_resources_open_their_page_or_their_list() {
        let url = |arn: &str| console_url(arn).unwrap();
        let host = "https://eu-west-1.console.aws.amazon.com/rds/home?region=eu-west-1#";
        assert_eq!(
            url("arn:aws:rds:eu-west-1:111111111111:cluster:tenant-a-mysql"),
            format!("{host}database:id=tenant-a-mysql;is-cluster=true")
        );
        assert_eq!(
            url("arn:aws:rds:eu-west-1:111111111111:db:tenant-a-mysql-1"),
            format!("{host}database:id=tenant-a-mysql-1;is-cluster=false")
        );
        assert_eq!(
            url(
                "arn:aws:rds:eu-west-1:111111111111:integration:5b3f1c2a-0000-4e1d-8a7b-6c5d4e3f2a1b"
            ),
            format!("{host}integrations:")
        );
        assert_eq!(
            url(
                "arn:aws:rds:eu-west-1:222222222222:cluster-snapshot:rds:tenant-b-mysql-2026-11-21-02-15"
            ),
            format!("{host}snapshots-list:")
        );
        assert_eq!(
            url("arn:aws:rds:eu-west-1:222222222222:export-task:tenant-b-export-20261121"),
            format!("{host}exports-in-s3:")
        );
    }

    #[test]
    fn china_and_govcloud_use_their_partitions_console() {
        assert_eq!(
            console_url("arn:aws-cn:states:cn-north-1:123456789012:execution:daily-elt:run-1")
                .unwrap(),
            "https://console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:123456789012:execution:daily-elt:run-1"
        );
        assert_eq!(
            console_url(
                "arn:aws-us-gov:cloudwatch:us-gov-west-1:123456789012:alarm:Alert-ELT-Delay"
            )
            .unwrap(),
            "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/Alert-ELT-Delay"
        );
    }

    #[test]
    fn what_is_not_an_arn_of_a_known_partition_has_no_url() {
        assert_eq!(console_url("daily-elt-20261121-0558"), None);
        assert_eq!(console_url("arn:aws:states:us-east-1:1"), None);
        assert_eq!(
            console_url("arn:aws-iso:states:us-iso-east-1:1:execution:a:b"),
            None
        );
        assert_eq!(
            console_url("arn:aws:iam::123456789012:role/ShiftopsReadOnly"),
            None
        );
    }
}
