/** The emotion page over HTTP: the webcam page at {@code /}, its live face WebSocket and the corrections endpoint. */
package org.chimp.web.emotion.http;
