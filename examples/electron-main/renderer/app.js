// The page's script: asks the main process through the preload's bridge.
document.getElementById("click").addEventListener("click", async () => {
  document.getElementById("answer").textContent = await window.main.click("you");
});
