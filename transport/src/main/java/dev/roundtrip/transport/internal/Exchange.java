package dev.roundtrip.transport.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.TimeUnit;

import dev.roundtrip.transport.CanceledException;
import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.Headers;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.TransportSettings;
import dev.roundtrip.transport.TransportTimeoutException;
import dev.roundtrip.transport.internal.conn.Connection;
import dev.roundtrip.transport.internal.http1.BodyFraming;
import dev.roundtrip.transport.internal.http1.ChunkedSource;
import dev.roundtrip.transport.internal.http1.FixedLengthSource;
import dev.roundtrip.transport.internal.http1.Http1Sink;
import dev.roundtrip.transport.internal.http1.Http1Source;
import dev.roundtrip.transport.internal.http1.KeepAliveHeader;
import dev.roundtrip.transport.internal.http1.RequestWriter;
import dev.roundtrip.transport.internal.http1.ResponseHead;
import dev.roundtrip.transport.internal.http1.ResponseParser;
import dev.roundtrip.transport.internal.http1.UntilCloseSource;

/**
 * One request and its response on one connection.
 * <ol>
 * <li>{@link #run}: write the request head and body, read the response head (skipping
 * 1xx), decide how the body is framed and whether the connection may be reused
 * afterwards. With {@code Expect: 100-continue} the body waits for the server's word
 * ({@link #awaitContinue}). A write that fails part-way still returns the response the
 * server sent before it stopped reading (a 413, say), on a connection then closed.</li>
 * <li>A response without a body gives the connection back at once; otherwise
 * {@link ResponseBody} gives it back when the body reaches its end, or closes it if the
 * body is closed early and cannot be drained.</li>
 * <li>Any failure, timeout or cancel closes the connection; it is never pooled after an
 * error. {@link #retry()} then says whether Go's rules allow sending the request again on
 * a fresh connection.</li>
 * </ol>
 * Go: {@code (*persistConn).roundTrip}, {@code writeLoop} and {@code readLoop}.
 */
final class Exchange {

	/**
	 * Why a failed exchange may be retried on a new connection. Go:
	 * {@code shouldRetryRequest}.
	 */
	enum Retry {

		/** Not at all. */
		NONE,

		/**
		 * Nothing of the request reached the socket: any request whose body can be
		 * replayed.
		 */
		NOTHING_WRITTEN,

		/**
		 * The server closed the reused connection before any byte of a response:
		 * replayable requests only.
		 */
		SERVER_CLOSED_IDLE;

		boolean allows(Request request) {
			return switch (this) {
				case NONE -> false;
				case NOTHING_WRITTEN -> request.body() == null || request.body().isReplayable();
				case SERVER_CLOSED_IDLE -> request.isReplayable();
			};
		}

	}

	/**
	 * How long a failed write waits for the response a server may have sent before it
	 * stopped reading.
	 */
	static final int EARLY_RESPONSE_WAIT_MILLIS = 1000;

	private final Engine engine;

	private final RealCall call;

	private final Connection conn;

	private Retry retry = Retry.NONE;

	/**
	 * What is left of {@code max-response-header-bytes} once interim (1xx) responses are
	 * counted.
	 */
	private long headerBudget;

	/**
	 * {@link Http1Source#bytesReceived()} when the exchange began: once any byte of a
	 * response has arrived, a failure is never a stale connection (Go peeks one byte).
	 */
	private long receivedBefore;

	/**
	 * Guarded by being called from the owner's thread, or the cleaner once the body is
	 * unreachable.
	 */
	private boolean released;

	Exchange(Engine engine, RealCall call, Connection conn) {
		this.engine = engine;
		this.call = call;
		this.conn = conn;
	}

	Retry retry() {
		return this.retry;
	}

	Connection connection() {
		return this.conn;
	}

	RealCall call() {
		return this.call;
	}

	/**
	 * Sends {@code request} to {@code target} and reads the response head.
	 * @param target the request target, from {@link RequestTarget#of}
	 */
	Response run(Request request, Destination destination, String target) throws IOException {
		this.call.attach(this.conn);
		this.receivedBefore = this.conn.source().bytesReceived();
		TransportSettings settings = this.engine.settings();
		int readTimeout = this.engine.readTimeoutMillis(request);
		this.conn.timing().readTimeout(readTimeout);
		if (this.call.deadlineNanos() != 0) {
			this.conn.timing().callDeadline(this.call.deadlineNanos(), request.timeout().toMillis());
		}
		this.headerBudget = settings.maxResponseHeaderBytes();
		boolean closeAfter = settings.disableKeepAlives() || request.headers().containsToken("Connection", "close");
		boolean askedForCompression = !settings.disableCompression() && !request.headers().contains("Accept-Encoding")
				&& !request.headers().contains("Range") && !"HEAD".equals(request.method());
		Request.Body body = request.body();
		boolean expectContinue = body != null && body.contentLength() != 0
				&& request.headers().containsToken("Expect", "100-continue");
		Http1Sink sink = this.conn.sink();
		long writtenBefore = sink.bytesWritten();
		ResponseHead head = null;
		// Set when the request was not sent whole: the connection cannot carry another.
		CloseReason incomplete = null;
		try {
			writeHead(sink, request, target, destination, settings.disableKeepAlives(), askedForCompression);
			if (body != null && !expectContinue) {
				writeBody(sink, body);
			}
			sink.flush();
		}
		catch (IOException | RuntimeException ex) {
			head = writeFailed(ex, writtenBefore, readTimeout, null);
			incomplete = CloseReason.ERROR;
		}
		if (expectContinue && head == null) {
			try {
				head = awaitContinue(settings.expectContinueTimeout().toMillis(), readTimeout);
			}
			catch (IOException | RuntimeException ex) {
				throw fail(ex, "waiting for 100 Continue");
			}
			if (head != null
					&& (closeAfter || head.status() == 101 || head.headers().containsToken("Connection", "close"))) {
				// Go: a final answer that closes the connection means the body is not
				// wanted.
				incomplete = CloseReason.RESPONSE_CLOSE;
			}
			else {
				try {
					writeBody(sink, body);
					sink.flush();
				}
				catch (IOException | RuntimeException ex) {
					head = writeFailed(ex, writtenBefore, readTimeout, head);
					incomplete = CloseReason.ERROR;
				}
			}
		}
		if (head == null) {
			long headerTimeout = this.engine.responseHeaderTimeoutMillis(destination);
			if (headerTimeout > 0) {
				this.conn.timing().responseHeaderTimeout(headerTimeout);
			}
			try {
				head = readFinalHead();
			}
			catch (IOException | RuntimeException ex) {
				throw fail(ex, "waiting for the response headers");
			}
			this.conn.timing().responseHeaderTimeout(0);
		}
		this.engine.listener().responseReceived(this.conn, request.method(), target, head.status());
		BodyFraming framing;
		try {
			framing = BodyFraming.of(request.method(), head);
		}
		catch (ProtocolException ex) {
			throw fail(ex, "reading the response headers");
		}
		if (settings.honorKeepAliveHeader()) {
			applyKeepAlive(head.headers().get("Keep-Alive"));
		}
		CloseReason afterBody = null;
		if (settings.disableKeepAlives()) {
			afterBody = CloseReason.KEEP_ALIVES_DISABLED;
		}
		else if (incomplete != null) {
			afterBody = incomplete;
		}
		else if (closeAfter || framing.mustClose() || switchesProtocols(request, head)) {
			afterBody = CloseReason.RESPONSE_CLOSE;
		}
		Headers headers = framing.normalize(head.headers());
		InputStream raw = switch (framing.kind()) {
			case NONE -> null;
			case FIXED -> (framing.length() == 0) ? null : new FixedLengthSource(this.conn.source(), framing.length());
			case CHUNKED -> new ChunkedSource(this.conn.source(), settings.maxResponseHeaderBytes());
			case UNTIL_CLOSE -> new UntilCloseSource(this.conn.source());
		};
		if (raw == null) {
			release(afterBody);
			this.call.finished();
			return new Response(request, head.protocol(), head.status(), head.reason(), headers,
					InputStream.nullInputStream());
		}
		ResponseBody responseBody = ResponseBody.open(this, raw, afterBody, settings);
		InflatingBody.Coding coding = askedForCompression ? InflatingBody.Coding.of(headers.get("Content-Encoding"))
				: null;
		if (coding != null) {
			// Go: the caller sees the decoded body, without the headers that described
			// the
			// encoded one.
			headers = headers.toBuilder().remove("Content-Encoding").remove("Content-Length").build();
			return new Response(request, head.protocol(), head.status(), head.reason(), headers,
					new InflatingBody(responseBody, coding));
		}
		return new Response(request, head.protocol(), head.status(), head.reason(), headers, responseBody);
	}

	/**
	 * Writes the request body. One the socket buffers may not absorb is watched while it
	 * is written: a server that answers and stops reading would otherwise leave the write
	 * blocked until the call's deadline, or forever (Go's write loop returns the answer).
	 * The watch looks every {@link StalledWrite#CHECK_NANOS}, on the watchdog's thread;
	 * no thread per request. Over TLS nothing is watched (see
	 * {@link Connection#answeredWhileWriteStalled}).
	 */
	private void writeBody(Http1Sink sink, Request.Body body) throws IOException {
		long length = body.contentLength();
		if ((length >= 0 && length <= StalledWrite.UNWATCHED_BODY_BYTES) || this.conn.bytesSent() < 0) {
			BodyWriter.write(sink, body);
			return;
		}
		StalledWrite watch = new StalledWrite(this.engine.watchdog(), this.conn);
		try {
			BodyWriter.write(sink, body);
			sink.flush();
		}
		finally {
			watch.stop();
		}
	}

	/**
	 * A 101, or a 2xx to CONNECT: the connection now carries another protocol, which this
	 * transport does not offer to the caller, so it is closed.
	 */
	private static boolean switchesProtocols(Request request, ResponseHead head) {
		return head.status() == 101 || ("CONNECT".equals(request.method()) && head.status() / 100 == 2);
	}

	/**
	 * The request could not be written whole. Decides whether it may be retried, and
	 * returns the response the server sent before it stopped reading, if there is one (a
	 * 413 for a body too large, say); else fails the exchange. Go:
	 * {@code nothingWrittenError}, and TestTransportPrefersResponseOverWriteError.
	 * @param answered the final response head already read (after
	 * {@code Expect: 100-continue}), or {@code null}
	 */
	private ResponseHead writeFailed(Throwable ex, long writtenBefore, int readTimeoutMillis, ResponseHead answered)
			throws IOException {
		if (ex instanceof BodyWriter.BodyFailure || this.call.isCanceled() || isInterrupt(ex)) {
			// The body's own fault, or a cancel: neither is retried nor answered.
			throw fail(ex, "writing the request");
		}
		if (answered != null) {
			return answered;
		}
		if (this.conn.sink().bytesWritten() == writtenBefore) {
			if (ex instanceof IOException && !isInterrupt(ex)) {
				this.retry = Retry.NOTHING_WRITTEN;
			}
			throw fail(ex, "writing the request");
		}
		ResponseHead early = (ex instanceof IOException) ? readEarlyResponse(readTimeoutMillis) : null;
		if (early == null) {
			IOException failure = fail(ex, "writing the request");
			if (!(failure instanceof InterruptedIOException)) {
				failure = new IOException(failure.getMessage() + "; part of the request was sent, so it is not retried",
						failure);
			}
			throw failure;
		}
		return early;
	}

	/**
	 * The head of a response already sent by a server that stopped reading the request,
	 * or {@code null}. A server that answers early and closes leaves its answer in our
	 * receive buffer ahead of the reset that failed our write.
	 */
	private ResponseHead readEarlyResponse(int readTimeoutMillis) {
		Retry before = this.retry;
		this.conn.timing()
			.readTimeout((readTimeoutMillis > 0) ? Math.min(readTimeoutMillis, EARLY_RESPONSE_WAIT_MILLIS)
					: EARLY_RESPONSE_WAIT_MILLIS);
		try {
			return readFinalHead();
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
		finally {
			this.retry = before;
			this.conn.timing().readTimeout(readTimeoutMillis);
		}
	}

	/**
	 * Waits up to {@code timeoutMillis} for the server's answer to
	 * {@code Expect: 100-continue}: returns {@code null} to send the body (a {@code 100}
	 * came, or the time ran out), or the final response the server sent instead. Other
	 * 1xx responses are skipped. Go: the {@code continueCh} of
	 * {@code (*persistConn).readLoop} and {@code waitForContinue}.
	 */
	private ResponseHead awaitContinue(long timeoutMillis, int readTimeoutMillis) throws IOException {
		if (timeoutMillis <= 0) {
			return null;
		}
		long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
		Http1Source source = this.conn.source();
		for (;;) {
			ResponseHead head;
			if (source.buffered() > 0) {
				head = readHead(source);
			}
			else {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return null;
				}
				// The wait reads into the buffer and consumes nothing: a timeout leaves
				// nothing half-parsed.
				this.conn.timing().readTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, remaining / 1_000_000L)));
				int n;
				try {
					n = source.awaitInput();
				}
				catch (TransportTimeoutException ex) {
					if (ex.limit() == TransportTimeoutException.Limit.READ) {
						return null;
					}
					throw ex;
				}
				catch (IOException ex) {
					noteFirstReadFailure(ex);
					throw ex;
				}
				finally {
					this.conn.timing().readTimeout(readTimeoutMillis);
				}
				head = (n < 0) ? null : readHead(source);
			}
			if (head == null) {
				throw serverClosedBeforeResponse();
			}
			if (head.status() == 100) {
				return null;
			}
			if (head.status() >= 200 || head.status() == 101) {
				return head;
			}
		}
	}

	private void writeHead(Http1Sink sink, Request request, String target, Destination destination,
			boolean disableKeepAlives, boolean askedForCompression) throws IOException {
		URI uri = request.uri();
		RequestWriter.writeRequestLine(sink, request.method(), target);
		Headers headers = request.headers();
		String host = headers.get("Host");
		if (host != null) {
			RequestWriter.writeHeader(sink, "Host", host);
		}
		else {
			RequestWriter.writeHostHeader(sink, uri.getHost(), RequestTarget.hostHeaderPort(destination));
		}
		// Proxy-Authorization goes to a proxy that forwards the request, never to an
		// origin.
		boolean toProxy = ProxyConfig.forwardsRequests(destination);
		String proxyAuthorization = toProxy ? proxyAuthorization(destination) : null;
		boolean userConnection = false;
		for (int i = 0; i < headers.size(); i++) {
			String name = headers.name(i);
			if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
					|| name.equalsIgnoreCase("Transfer-Encoding")) {
				// Framing is the transport's: derived from the body, never taken from the
				// caller.
				continue;
			}
			if (name.equalsIgnoreCase("Proxy-Authorization") && (!toProxy || proxyAuthorization != null)) {
				continue;
			}
			if (name.equalsIgnoreCase("Connection")) {
				userConnection = true;
			}
			RequestWriter.writeHeader(sink, name, headers.value(i));
		}
		if (proxyAuthorization != null) {
			RequestWriter.writeHeader(sink, "Proxy-Authorization", proxyAuthorization);
		}
		Request.Body body = request.body();
		if (body != null) {
			long length = body.contentLength();
			if (length >= 0) {
				RequestWriter.writeHeader(sink, "Content-Length", Long.toString(length));
			}
			else {
				RequestWriter.writeHeader(sink, "Transfer-Encoding", "chunked");
			}
		}
		else if (expectsBody(request.method())) {
			// Go: a POST, PUT or PATCH without a body still says so.
			RequestWriter.writeHeader(sink, "Content-Length", "0");
		}
		if (disableKeepAlives && !userConnection) {
			RequestWriter.writeHeader(sink, "Connection", "close");
		}
		if (askedForCompression) {
			RequestWriter.writeHeader(sink, "Accept-Encoding", InflatingBody.ACCEPT_ENCODING);
		}
		RequestWriter.endHeaders(sink);
	}

	private String proxyAuthorization(Destination destination) throws IOException {
		ProxyConfig.Proxy proxy = this.engine.proxies().forDestination(destination);
		return (proxy != null) ? proxy.authorization() : null;
	}

	private static boolean expectsBody(String method) {
		return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
	}

	/**
	 * Reads response heads until a final one, skipping 1xx but 101; all count against the
	 * header limit.
	 */
	private ResponseHead readFinalHead() throws IOException {
		for (;;) {
			ResponseHead head;
			try {
				head = readHead(this.conn.source());
			}
			catch (IOException ex) {
				noteFirstReadFailure(ex);
				throw ex;
			}
			if (head == null) {
				throw serverClosedBeforeResponse();
			}
			if (head.status() >= 200 || head.status() == 101) {
				return head;
			}
		}
	}

	/**
	 * Reads one head within what is left of {@code max-response-header-bytes}; a 1xx head
	 * spends from it. {@code null} if the server closed first.
	 */
	private ResponseHead readHead(Http1Source source) throws IOException {
		long max = this.engine.settings().maxResponseHeaderBytes();
		ResponseHead head;
		try {
			head = ResponseParser.readHead(source, this.headerBudget);
		}
		catch (ProtocolException ex) {
			if (this.headerBudget < max && ex.getMessage() != null
					&& ex.getMessage().startsWith("response headers exceeded")) {
				// The parser names the budget it was given: what interim responses left
				// of the limit.
				ProtocolException failure = new ProtocolException("response headers exceeded " + max
						+ " bytes (max-response-header-bytes), counting the interim (1xx) responses before them");
				failure.initCause(ex);
				throw failure;
			}
			throw ex;
		}
		if (head == null) {
			return null;
		}
		if (head.status() < 200 && head.status() != 101) {
			this.headerBudget -= head.headBytes();
			if (this.headerBudget <= 0) {
				throw new ProtocolException("response headers exceeded " + max
						+ " bytes (max-response-header-bytes), counting the interim (1xx) responses before them");
			}
		}
		return head;
	}

	/**
	 * The server closed the connection before any byte of a response: on a reused
	 * connection, Go retries.
	 */
	private EOFException serverClosedBeforeResponse() {
		if (!responseBytesSeen()) {
			this.retry = Retry.SERVER_CLOSED_IDLE;
		}
		return new EOFException("Server closed " + this.conn + " before sending a response to " + this.call.request());
	}

	/**
	 * A read failed. Before any byte of a response (Go peeks one byte first), a dropped
	 * connection counts as the server closing it while idle; after one, even a status
	 * line cut short, the server has begun to answer and the request is not sent again.
	 */
	private void noteFirstReadFailure(IOException ex) {
		if (!responseBytesSeen() && isConnectionDrop(ex) && !this.call.isCanceled()) {
			this.retry = Retry.SERVER_CLOSED_IDLE;
		}
	}

	private boolean responseBytesSeen() {
		return this.conn.source().bytesReceived() != this.receivedBefore;
	}

	/**
	 * A reset or abrupt close on the first read of a reused connection: Go retries these
	 * like a clean EOF. An interrupt is a cancel, even when it surfaces as the channel
	 * closing ({@link ClosedByInterruptException} is a {@code ClosedChannelException}).
	 */
	static boolean isConnectionDrop(IOException ex) {
		return !(ex instanceof ProtocolException) && !(ex instanceof InterruptedIOException)
				&& !(ex instanceof TransportTimeoutException) && !isInterrupt(ex);
	}

	static boolean isInterrupt(Throwable ex) {
		return ex instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted();
	}

	private void applyKeepAlive(String value) {
		if (value == null) {
			return;
		}
		KeepAliveHeader keepAlive = KeepAliveHeader.parse(value);
		long timeoutNanos = (keepAlive.timeoutSeconds() >= 0) ? TimeUnit.SECONDS.toNanos(keepAlive.timeoutSeconds())
				: -1;
		this.conn.serverKeepAlive(timeoutNanos, keepAlive.max());
	}

	/**
	 * Closes the connection for a failure and says plainly what happened: which limit
	 * fired, whether it was a cancel or an interrupt, and for a request that was written
	 * but not answered, that it may have been processed.
	 */
	IOException fail(Throwable ex, String stage) {
		IOException failure = explain(ex, stage);
		CloseReason reason = (failure instanceof TransportTimeoutException) ? CloseReason.TIMEOUT
				: (failure instanceof CanceledException) ? CloseReason.CANCELED
						: serverClosedIdle(ex) ? CloseReason.SERVER_CLOSED : CloseReason.ERROR;
		release(reason);
		this.call.finished();
		return failure;
	}

	/**
	 * Whether {@code ex} shows the server had closed this reused connection while it was
	 * idle: no byte of a response came, or the write failed with none of the request sent
	 * (over a unix socket, or once the peer's reset arrived, the write is what fails).
	 */
	private boolean serverClosedIdle(Throwable ex) {
		if (this.retry == Retry.SERVER_CLOSED_IDLE) {
			return true;
		}
		return this.retry == Retry.NOTHING_WRITTEN && this.conn.requestCount() > 1 && ex instanceof IOException io
				&& isConnectionDrop(io);
	}

	private IOException explain(Throwable ex, String stage) {
		Request request = this.call.request();
		if (this.call.isDeadlineExpired()) {
			return callTimeout(this.call, "while " + stage);
		}
		if (this.call.isCanceledByUser()) {
			CanceledException canceled = new CanceledException("Request " + request + " canceled while " + stage);
			canceled.initCause(ex);
			return canceled;
		}
		if (ex instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()
				|| (ex instanceof InterruptedIOException && !(ex instanceof java.net.SocketTimeoutException))) {
			Thread.currentThread().interrupt();
			CanceledException canceled = new CanceledException("Thread interrupted while " + stage + " for " + request);
			canceled.initCause(ex);
			return canceled;
		}
		if (ex instanceof RuntimeException runtime) {
			return new IOException("Failed while " + stage + " for " + request + ": " + runtime, runtime);
		}
		IOException io = (IOException) ex;
		if (this.retry == Retry.SERVER_CLOSED_IDLE && !request.isReplayable()) {
			return new IOException(io.getMessage() + "; the request was sent and may have been processed, so it is"
					+ " not retried (only GET, HEAD, OPTIONS, TRACE, or a request with an Idempotency-Key and a"
					+ " replayable body is)", io);
		}
		if (io instanceof BodyWriter.BodyFailure) {
			return new IOException(io.getMessage() + " (" + request + "); the connection was closed", io.getCause());
		}
		return withContext(io, stage, request);
	}

	/**
	 * A bare socket failure ("Connection reset by peer", "Broken pipe") says nothing of
	 * what was going on: add the stage, request and connection. Other exceptions already
	 * say what happened and keep their type.
	 */
	private IOException withContext(IOException io, String stage, Request request) {
		String message = io.getMessage() + " while " + stage + " for " + request + " on " + this.conn;
		if (io.getClass() == IOException.class) {
			return new IOException(message, io);
		}
		if (io.getClass() == java.net.SocketException.class) {
			java.net.SocketException socket = new java.net.SocketException(message);
			socket.initCause(io);
			return socket;
		}
		return io;
	}

	static TransportTimeoutException callTimeout(RealCall call, String stage) {
		Request request = call.request();
		return new TransportTimeoutException(TransportTimeoutException.Limit.CALL, "Request timeout of "
				+ request.timeout().toMillis() + " ms expired " + stage + " for " + request + " (request timeout)");
	}

	/**
	 * Ends the exchange's hold on the connection: back to the pool when {@code reason} is
	 * null, else closed. A connection a cancel has aborted is always closed. Idempotent.
	 */
	void release(CloseReason reason) {
		if (this.released) {
			return;
		}
		this.released = true;
		if (!this.conn.disown(this.call)) {
			reason = this.call.isDeadlineExpired() ? CloseReason.TIMEOUT : CloseReason.CANCELED;
		}
		this.conn.timing().reset();
		this.engine.pool().release(this.conn, reason);
	}

	boolean isReleased() {
		return this.released;
	}

}
