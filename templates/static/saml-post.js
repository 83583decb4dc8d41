// Submits the SAML response form as soon as the page is ready; without scripts, the Continue button does it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("saml-post");
  if (form) {
    form.submit();
  }
});
