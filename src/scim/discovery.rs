use actix_web::HttpResponse;
pub async fn service_provider_config() -> HttpResponse {
    HttpResponse::Ok().finish()
}
pub async fn resource_types() -> HttpResponse {
    HttpResponse::Ok().finish()
}
pub async fn resource_type() -> HttpResponse {
    HttpResponse::Ok().finish()
}
pub async fn schemas() -> HttpResponse {
    HttpResponse::Ok().finish()
}
pub async fn schema() -> HttpResponse {
    HttpResponse::Ok().finish()
}
