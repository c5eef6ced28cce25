// Ink imports React's devtools module (used only with DEV=true); the bundle ships this no-op.
export default { initialize() {}, connectToDevTools() {} };
