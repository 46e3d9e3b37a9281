// tsyringe needs the Reflect metadata polyfill loaded before it; every module imports it from here.
import "reflect-metadata";
export { container, inject, injectable, type DependencyContainer, type InjectionToken } from "tsyringe";
