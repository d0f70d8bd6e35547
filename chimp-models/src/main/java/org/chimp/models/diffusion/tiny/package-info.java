/** Tiny random-weight diffusion networks with Stable Diffusion's ONNX signatures, written at run time for tests and examples. */
package org.chimp.models.diffusion.tiny;
