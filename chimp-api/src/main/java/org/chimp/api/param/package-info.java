/** Typed, declared parameters (model config parameters, plugin arguments) and their parsing from text or JSON. */
package org.chimp.api.param;
