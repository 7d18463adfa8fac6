// Below 1600 pixels the admin's navigation sidebar starts closed: open, it takes a quarter
// of a 1280-pixel screen from the lists and forms. Django remembers the toggle under the
// same key, so this only sets the first default. Loaded (not inline) for the CSP.
if (window.innerWidth < 1600 && localStorage.getItem("django.admin.navSidebarIsOpen") === null) {
  localStorage.setItem("django.admin.navSidebarIsOpen", "false");
}
