/** Tensors as the Open Inference Protocol sends them, and the tensor signatures models may publish. */
package org.chimp.api.tensor;
