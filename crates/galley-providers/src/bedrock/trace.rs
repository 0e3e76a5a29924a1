//! The guardrail trace of a call as JSON, in Bedrock's own wire shape (camelCase keys), so the UI
//! can show which policy fired. The SDK's types do not serialize, hence this hand mapping.

use aws_sdk_bedrockruntime::types::{GuardrailAssessment, GuardrailTraceAssessment};
use serde_json::{json, Map, Value};

/// The trace as JSON: `{modelOutput, actionReason, inputAssessment: {id: ...},
/// outputAssessments: {id: [...]}}`.
pub(crate) fn guardrail_trace_json(trace: &GuardrailTraceAssessment) -> Value {
    let mut out = Map::new();
    if !trace.model_output().is_empty() {
        out.insert("modelOutput".into(), json!(trace.model_output()));
    }
    if let Some(reason) = trace.action_reason() {
        out.insert("actionReason".into(), json!(reason));
    }
    if let Some(input) = trace.input_assessment() {
        let map: Map<String, Value> = input
            .iter()
            .map(|(id, a)| (id.clone(), assessment_json(a)))
            .collect();
        out.insert("inputAssessment".into(), Value::Object(map));
    }
    if let Some(outputs) = trace.output_assessments() {
        let map: Map<String, Value> = outputs
            .iter()
            .map(|(id, list)| {
                (
                    id.clone(),
                    Value::Array(list.iter().map(assessment_json).collect()),
                )
            })
            .collect();
        out.insert("outputAssessments".into(), Value::Object(map));
    }
    Value::Object(out)
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        map.insert(key.to_string(), v);
    }
}

fn assessment_json(a: &GuardrailAssessment) -> Value {
    let mut m = Map::new();
    put(
        &mut m,
        "topicPolicy",
        a.topic_policy().map(|p| {
            json!({"topics": p.topics().iter().map(|t| json!({
                "name": t.name(),
                "type": t.r#type().as_str(),
                "action": t.action().as_str(),
                "detected": t.detected(),
            })).collect::<Vec<_>>()})
        }),
    );
    put(
        &mut m,
        "contentPolicy",
        a.content_policy().map(|p| {
            json!({"filters": p.filters().iter().map(|f| json!({
                "type": f.r#type().as_str(),
                "confidence": f.confidence().as_str(),
                "filterStrength": f.filter_strength().map(|s| s.as_str()),
                "action": f.action().as_str(),
                "detected": f.detected(),
            })).collect::<Vec<_>>()})
        }),
    );
    put(
        &mut m,
        "wordPolicy",
        a.word_policy().map(|p| {
            json!({
                "customWords": p.custom_words().iter().map(|w| json!({
                    "match": w.r#match(),
                    "action": w.action().as_str(),
                    "detected": w.detected(),
                })).collect::<Vec<_>>(),
                "managedWordLists": p.managed_word_lists().iter().map(|w| json!({
                    "match": w.r#match(),
                    "type": w.r#type().as_str(),
                    "action": w.action().as_str(),
                    "detected": w.detected(),
                })).collect::<Vec<_>>(),
            })
        }),
    );
    put(
        &mut m,
        "sensitiveInformationPolicy",
        a.sensitive_information_policy().map(|p| {
            json!({
                "piiEntities": p.pii_entities().iter().map(|e| json!({
                    "match": e.r#match(),
                    "type": e.r#type().as_str(),
                    "action": e.action().as_str(),
                    "detected": e.detected(),
                })).collect::<Vec<_>>(),
                "regexes": p.regexes().iter().map(|r| json!({
                    "name": r.name(),
                    "match": r.r#match(),
                    "regex": r.regex(),
                    "action": r.action().as_str(),
                    "detected": r.detected(),
                })).collect::<Vec<_>>(),
            })
        }),
    );
    put(
        &mut m,
        "contextualGroundingPolicy",
        a.contextual_grounding_policy().map(|p| {
            json!({"filters": p.filters().iter().map(|f| json!({
                "type": f.r#type().as_str(),
                "threshold": f.threshold(),
                "score": f.score(),
                "action": f.action().as_str(),
                "detected": f.detected(),
            })).collect::<Vec<_>>()})
        }),
    );
    put(
        &mut m,
        "invocationMetrics",
        a.invocation_metrics()
            .map(|im| json!({"guardrailProcessingLatency": im.guardrail_processing_latency()})),
    );
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_bedrockruntime::types::{
        GuardrailContentFilter, GuardrailContentFilterConfidence, GuardrailContentFilterType,
        GuardrailContentPolicyAction, GuardrailContentPolicyAssessment, GuardrailPiiEntityFilter,
        GuardrailPiiEntityType, GuardrailSensitiveInformationPolicyAction,
        GuardrailSensitiveInformationPolicyAssessment,
    };

    #[test]
    fn trace_keeps_policies_in_wire_shape() {
        let assessment = GuardrailAssessment::builder()
            .content_policy(
                GuardrailContentPolicyAssessment::builder()
                    .filters(
                        GuardrailContentFilter::builder()
                            .r#type(GuardrailContentFilterType::Insults)
                            .confidence(GuardrailContentFilterConfidence::High)
                            .action(GuardrailContentPolicyAction::Blocked)
                            .detected(true)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .sensitive_information_policy(
                GuardrailSensitiveInformationPolicyAssessment::builder()
                    .pii_entities(
                        GuardrailPiiEntityFilter::builder()
                            .r#match("a@b.c")
                            .r#type(GuardrailPiiEntityType::Email)
                            .action(GuardrailSensitiveInformationPolicyAction::Anonymized)
                            .build()
                            .unwrap(),
                    )
                    .set_regexes(Some(vec![]))
                    .build()
                    .unwrap(),
            )
            .build();
        let trace = GuardrailTraceAssessment::builder()
            .model_output("blocked")
            .input_assessment("gr-1", assessment.clone())
            .output_assessments("gr-1", vec![assessment])
            .action_reason("Guardrail blocked.")
            .build();
        let json = guardrail_trace_json(&trace);
        assert_eq!(json["modelOutput"], json!(["blocked"]));
        assert_eq!(json["actionReason"], "Guardrail blocked.");
        let filter = &json["inputAssessment"]["gr-1"]["contentPolicy"]["filters"][0];
        assert_eq!(filter["type"], "INSULTS");
        assert_eq!(filter["confidence"], "HIGH");
        assert_eq!(filter["action"], "BLOCKED");
        assert_eq!(filter["detected"], true);
        let pii =
            &json["outputAssessments"]["gr-1"][0]["sensitiveInformationPolicy"]["piiEntities"][0];
        assert_eq!(pii["type"], "EMAIL");
        assert_eq!(pii["action"], "ANONYMIZED");
        assert_eq!(pii["match"], "a@b.c");
    }
}
