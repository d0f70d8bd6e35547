/** The emotion page: the webcam page at {@code /}, its live face WebSocket, calibration names and corrections. */
package org.chimp.web.emotion;
