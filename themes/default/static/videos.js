/* Company videos (company.html): each video is a plain link to its page, so nothing is loaded
 * from YouTube or Dailymotion until the visitor asks. With JavaScript, activating the link puts
 * the provider's player (privacy-enhanced host where there is one) in its place, already playing.
 */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".video[data-embed]"), function (item) {
    var link = item.querySelector("a");
    link.addEventListener("click", function (event) {
      var src = item.getAttribute("data-embed");
      if (!/^https:\/\//.test(src)) {
        return; // follow the link
      }
      event.preventDefault();
      var frame = document.createElement("iframe");
      frame.src = src + (src.indexOf("?") < 0 ? "?" : "&") + "autoplay=1";
      frame.title = link.querySelector(".video-title").textContent;
      // Full screen through `allow` only: with `allowfullscreen` as well, Chromium logs a warning.
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.className = "video-frame";
      item.replaceChild(frame, link);
      frame.focus();
    });
  });
})();
