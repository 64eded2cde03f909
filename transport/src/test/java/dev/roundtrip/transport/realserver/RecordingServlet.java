package dev.roundtrip.transport.realserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@link RecordingApplication} as a plain servlet, for Tomcat: the client port of every
 * request is {@code request.getRemotePort()}.
 */
public final class RecordingServlet extends HttpServlet {

	private static final long serialVersionUID = 1L;

	private final transient RecordingApplication application;

	public RecordingServlet() {
		this(new RecordingApplication());
	}

	public RecordingServlet(RecordingApplication application) {
		this.application = application;
	}

	/** The application this servlet runs. */
	public RecordingApplication application() {
		return this.application;
	}

	/** Forgets what was recorded, before a test. */
	public void reset() {
		this.application.reset();
	}

	/** Requests served since the last {@link #reset()}. */
	public int requests() {
		return this.application.requests();
	}

	/**
	 * The client ports requests came from since the last reset, with how many each: one
	 * entry per TCP connection.
	 */
	public Map<Integer, Integer> requestsByClientPort() {
		return this.application.requestsByConnection();
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		this.application.handle(new RecordingApplication.Exchange() {

			@Override
			public String method() {
				return request.getMethod();
			}

			@Override
			public String path() {
				return request.getRequestURI();
			}

			@Override
			public String rawQuery() {
				return request.getQueryString();
			}

			@Override
			public String header(String name) {
				return request.getHeader(name);
			}

			@Override
			public int remotePort() {
				return request.getRemotePort();
			}

			@Override
			public InputStream requestBody() throws IOException {
				return request.getInputStream();
			}

			@Override
			public void status(int status) {
				response.setStatus(status);
			}

			@Override
			public void header(String name, String value) {
				response.setHeader(name, value);
			}

			@Override
			public OutputStream responseBody() throws IOException {
				return response.getOutputStream();
			}

		});
	}

}
