export { tunnelledSystem } from "../../system/tunnelled-system.js";
