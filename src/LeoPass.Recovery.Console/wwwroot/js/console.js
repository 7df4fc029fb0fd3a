// The console's only JavaScript: what Blazor cannot do from .NET.
window.leopassConsole = {
  // Brings a step or backup named by the URL into view and gives it focus for keyboard users.
  scrollToId(id) {
    const element = document.getElementById(id);
    if (!element) return;
    element.scrollIntoView({ block: "start" });
    if (!element.hasAttribute("tabindex")) element.setAttribute("tabindex", "-1");
    element.focus({ preventScroll: true });
  },
  // Saves text (the run's Markdown report) as a file, without a second request carrying the token.
  downloadText(name, text, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
};
