// Tell the server the visitor's time zone once, so times are shown in it before they sign in.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("expo_tz=") === -1) {
      document.cookie = "expo_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* older browsers: times stay in UTC, and say so */ }
})();
