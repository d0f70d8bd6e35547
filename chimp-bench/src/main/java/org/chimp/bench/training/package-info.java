/** {@code chimp bench training}: the emotion-cnn plugin next to a bare DJL loop, accuracies and calibration time. */
package org.chimp.bench.training;
