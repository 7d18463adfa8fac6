// Inputs marked data-select-on-focus select their whole text when focused (a new API
// token, to copy). A script file rather than an onfocus attribute, for the CSP.
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
    event.target.select();
  }
});
