//! The identity provider's metadata (`/saml/metadata`): entity ID, signing certificate(s), the
//! SingleLogoutService and SingleSignOnService for both bindings, and the NameID formats. Written directly (every value escaped) rather
//! than through samael's writer, so that what SPs import is exactly what is documented; a test reads it back
//! with samael's parser.
use super::xml::escape;
use super::{BINDING_POST, BINDING_REDIRECT};
use crate::core::saml::NameIdFormat;

pub fn document(entity_id: &str, sso_url: &str, slo_url: &str, certificates: &[String]) -> String {
    let keys: String = certificates
        .iter()
        .map(|c| {
            format!(
                "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate>\
                 </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>",
                escape(c)
            )
        })
        .collect();
    let formats: String = [NameIdFormat::Persistent, NameIdFormat::Email, NameIdFormat::Transient]
        .iter()
        .map(|f| format!("<md:NameIDFormat>{}</md:NameIDFormat>", f.uri()))
        .collect();
    let sso: String = [BINDING_REDIRECT, BINDING_POST]
        .iter()
        .map(|b| {
            format!(
                "<md:SingleSignOnService Binding=\"{b}\" Location=\"{}\"/>",
                escape(sso_url)
            )
        })
        .collect();
    // Schema order: KeyDescriptor, SingleLogoutService, NameIDFormat, SingleSignOnService.
    let slo: String = [BINDING_REDIRECT, BINDING_POST]
        .iter()
        .map(|b| {
            format!(
                "<md:SingleLogoutService Binding=\"{b}\" Location=\"{}\"/>",
                escape(slo_url)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" \
         xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"{}\">\
         <md:IDPSSODescriptor WantAuthnRequestsSigned=\"false\" \
         protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">{keys}{slo}{formats}{sso}</md:IDPSSODescriptor>\
         </md:EntityDescriptor>\n",
        escape(entity_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use samael::metadata::EntityDescriptor;

    #[test]
    fn samael_reads_the_metadata_back() {
        let xml = document(
            "https://id.example/saml/metadata",
            "https://id.example/saml/sso",
            "https://id.example/saml/slo",
            &["MIIB".into()],
        );
        let parsed: EntityDescriptor = xml.parse().expect("parses");
        assert_eq!(parsed.entity_id.as_deref(), Some("https://id.example/saml/metadata"));
        let idp = &parsed.idp_sso_descriptors.expect("IDPSSODescriptor")[0];
        assert_eq!(idp.single_sign_on_services.len(), 2);
        let slo = &idp.single_logout_services;
        assert_eq!(slo.len(), 2);
        assert_eq!(slo[0].location, "https://id.example/saml/slo");
        assert_eq!(idp.key_descriptors[0].key_use.as_deref(), Some("signing"));
        assert_eq!(
            idp.key_descriptors[0]
                .key_info
                .x509_data
                .as_ref()
                .expect("X509Data")
                .certificates,
            vec!["MIIB".to_string()]
        );
        assert_eq!(idp.name_id_formats.len(), 3);
    }
}
