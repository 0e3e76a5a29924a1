//! Reading Bedrock model ids: foundation-model ids, cross-region inference-profile ids
//! (`us.anthropic...`) and ARNs.

/// Prefixes of system-defined cross-region inference profiles.
const GEO_PREFIXES: &[&str] = &["us", "us-gov", "eu", "apac", "global", "jp", "au", "ca"];

/// The id part of an ARN (`arn:aws:bedrock:...:foundation-model/x` → `x`), or the id itself.
pub fn strip_arn(model_id: &str) -> &str {
    if model_id.starts_with("arn:") {
        model_id.rsplit('/').next().unwrap_or(model_id)
    } else {
        model_id
    }
}

/// The geographic prefix of an inference-profile id (`"us"` for `us.amazon.nova-lite-v1:0`).
pub fn geo_prefix(model_id: &str) -> Option<&str> {
    let id = strip_arn(model_id);
    let (head, rest) = id.split_once('.')?;
    (GEO_PREFIXES.contains(&head) && rest.contains('.')).then_some(head)
}

/// The foundation model behind an id: ARNs and geo prefixes removed.
pub fn base_model_id(model_id: &str) -> &str {
    let id = strip_arn(model_id);
    match geo_prefix(id) {
        Some(prefix) => &id[prefix.len() + 1..],
        None => id,
    }
}

/// The inference-profile prefix Bedrock uses for a region: `us` in `us-*`, `us-gov` in
/// `us-gov-*`, `eu` in `eu-*`, `apac` in `ap-*`, `global` elsewhere.
pub fn profile_prefix_for_region(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "us-gov"
    } else if region.starts_with("us-") {
        "us"
    } else if region.starts_with("eu-") {
        "eu"
    } else if region.starts_with("ap-") {
        "apac"
    } else {
        "global"
    }
}

/// The inference-profile id for a base model in a region (`us.` + id in `us-east-1`).
pub fn profile_id_for_region(base_model_id: &str, region: &str) -> String {
    format!("{}.{}", profile_prefix_for_region(region), base_model_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_ids_of_profiles_and_arns() {
        assert_eq!(
            base_model_id("us.anthropic.claude-3-7-sonnet-20250219-v1:0"),
            "anthropic.claude-3-7-sonnet-20250219-v1:0"
        );
        assert_eq!(
            base_model_id("global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            "anthropic.claude-sonnet-4-5-20250929-v1:0"
        );
        assert_eq!(
            base_model_id("amazon.nova-lite-v1:0"),
            "amazon.nova-lite-v1:0"
        );
        assert_eq!(
            base_model_id(
                "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"
            ),
            "anthropic.claude-3-5-haiku-20241022-v1:0"
        );
        assert_eq!(
            base_model_id(
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0"
            ),
            "amazon.nova-pro-v1:0"
        );
        assert_eq!(geo_prefix("amazon.nova-lite-v1:0"), None);
        assert_eq!(geo_prefix("eu.amazon.nova-lite-v1:0"), Some("eu"));
        // a bare two-part id is not a profile
        assert_eq!(base_model_id("us.model"), "us.model");
    }

    #[test]
    fn profile_prefix_follows_the_region() {
        assert_eq!(profile_prefix_for_region("us-east-1"), "us");
        assert_eq!(profile_prefix_for_region("us-west-2"), "us");
        assert_eq!(profile_prefix_for_region("us-gov-west-1"), "us-gov");
        assert_eq!(profile_prefix_for_region("eu-central-1"), "eu");
        assert_eq!(profile_prefix_for_region("ap-northeast-1"), "apac");
        assert_eq!(profile_prefix_for_region("sa-east-1"), "global");
        assert_eq!(
            profile_id_for_region("anthropic.claude-sonnet-4-5-20250929-v1:0", "us-east-1"),
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
        );
    }
}
