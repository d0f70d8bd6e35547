/** The web module over HTTP: who is calling (admin token, API token, session cookie), who may call what, login, the dashboard. */
package org.chimp.web.http;
