package dev.roundtrip.samples.demo;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The server side of the experiment: {@code /experiment/{case}/hello} answers "Hello,
 * World!" as the seed's Go server did, {@code /experiment/{case}/slow} holds its answer
 * until released, and every request is counted by the client's address and port, per
 * case: the connections the server saw.
 */
@RestController
class ExperimentServer {

	private final Connections connections;

	private final SlowResponses slow;

	ExperimentServer(Connections connections, SlowResponses slow) {
		this.connections = connections;
		this.slow = slow;
	}

	@GetMapping("/experiment/{name}/hello")
	String hello(@PathVariable String name) {
		return "Hello, World!";
	}

	@GetMapping("/experiment/{name}/slow")
	String slow(@PathVariable String name) throws InterruptedException {
		this.slow.arrived.countDown();
		this.slow.release.await(5, TimeUnit.SECONDS);
		return "finally";
	}

	/** The distinct client ports seen per case. */
	@Component
	static class Connections implements Filter {

		private final Map<String, Set<String>> remotes = new ConcurrentHashMap<>();

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			String path = ((HttpServletRequest) request).getRequestURI();
			if (path.startsWith("/experiment/")) {
				String name = path.substring("/experiment/".length(), path.indexOf('/', "/experiment/".length()));
				this.remotes.computeIfAbsent(name, (key) -> ConcurrentHashMap.newKeySet())
					.add(request.getRemoteAddr() + ":" + request.getRemotePort());
			}
			chain.doFilter(request, response);
		}

		/** How many connections carried requests of this case. */
		int count(String name) {
			Set<String> seen = this.remotes.get(name);
			return (seen != null) ? seen.size() : 0;
		}

	}

	/** Lets the experiment know a slow request arrived, and lets it go. */
	@Component
	static class SlowResponses {

		volatile CountDownLatch arrived = new CountDownLatch(1);

		volatile CountDownLatch release = new CountDownLatch(1);

		void reset() {
			this.arrived = new CountDownLatch(1);
			this.release = new CountDownLatch(1);
		}

		boolean awaitArrival() throws InterruptedException {
			return this.arrived.await(5, TimeUnit.SECONDS);
		}

		void release() {
			this.release.countDown();
		}

	}

}
