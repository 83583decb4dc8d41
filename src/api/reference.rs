//! A reference page for people, rendered once at start from the same OpenAPI document the machines read: every
//! operation with its parameters, body and answers, and every schema with its members.
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
struct Parameter {
    name: String,
    location: String,
    required: bool,
    description: String,
}

#[derive(Serialize)]
struct Answer {
    status: String,
    description: String,
    schema: Option<String>,
}

#[derive(Serialize)]
struct Operation {
    id: String,
    method: String,
    path: String,
    summary: String,
    parameters: Vec<Parameter>,
    body: Option<String>,
    responses: Vec<Answer>,
}

#[derive(Serialize)]
struct Member {
    name: String,
    kind: String,
    required: bool,
    description: String,
}

#[derive(Serialize)]
struct Schema {
    name: String,
    description: String,
    members: Vec<Member>,
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// The schema a `$ref` (possibly inside `content.*.schema`) names.
fn schema_name(content: &Value) -> Option<String> {
    let content = content.as_object()?;
    content.values().find_map(|media| {
        let schema = &media["schema"];
        let reference = schema["$ref"].as_str().or_else(|| schema["items"]["$ref"].as_str())?;
        reference.rsplit('/').next().map(str::to_string)
    })
}

fn kind_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or_default().to_string();
    }
    match &schema["type"] {
        Value::String(kind) if kind == "array" => format!("array of {}", kind_of(&schema["items"])),
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds.iter().map(text).collect::<Vec<_>>().join(" | "),
        _ => schema["oneOf"]
            .as_array()
            .map(|options| options.iter().map(kind_of).collect::<Vec<_>>().join(" | "))
            .unwrap_or_else(|| "object".into()),
    }
}

/// The page's context from the document.
pub fn context(doc: &Value) -> tera::Context {
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let parameters = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| Parameter {
                    name: text(&p["name"]),
                    location: text(&p["in"]),
                    required: p["required"].as_bool().unwrap_or(false),
                    description: text(&p["description"]),
                })
                .collect();
            let responses = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(status, r)| Answer {
                    status: status.clone(),
                    description: text(&r["description"]),
                    schema: schema_name(&r["content"]),
                })
                .collect();
            operations.push(Operation {
                id: text(&op["operationId"]),
                method: method.to_uppercase(),
                path: path.clone(),
                summary: text(&op["summary"]),
                parameters,
                body: schema_name(&op["requestBody"]["content"]),
                responses,
            });
        }
    }
    let mut schemas = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let members = schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(member, s)| Member {
                name: member.clone(),
                kind: kind_of(s),
                required: required.contains(&member.as_str()),
                description: text(&s["description"]),
            })
            .collect();
        schemas.push(Schema {
            name: name.clone(),
            description: text(&schema["description"]),
            members,
        });
    }
    let mut ctx = tera::Context::new();
    ctx.insert("title", &text(&doc["info"]["title"]));
    ctx.insert("version", &text(&doc["info"]["version"]));
    ctx.insert("description", &text(&doc["info"]["description"]));
    ctx.insert("operations", &operations);
    ctx.insert("schemas", &schemas);
    ctx
}
