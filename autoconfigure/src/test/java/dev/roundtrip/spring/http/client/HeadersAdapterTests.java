package dev.roundtrip.spring.http.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import dev.roundtrip.transport.Headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The transport's headers seen through Spring's {@link HttpHeaders} as a map of lists,
 * the same as the copy Spring would make of them.
 */
class HeadersAdapterTests {

	private final Headers headers = Headers.of("Content-Type", "text/plain;charset=UTF-8", "Set-Cookie", "a=1",
			"Content-Length", "13", "set-cookie", "b=2", "X-Empty", "");

	private final HeadersAdapter adapter = new HeadersAdapter(this.headers);

	@Test
	void eachDistinctNameIsOneKeySpelledAsFirstSeenWithAllItsValuesInOrder() {
		Map<String, List<String>> copy = new LinkedHashMap<>(this.adapter);
		assertThat(copy).containsExactly(Map.entry("Content-Type", List.of("text/plain;charset=UTF-8")),
				Map.entry("Set-Cookie", List.of("a=1", "b=2")), Map.entry("Content-Length", List.of("13")),
				Map.entry("X-Empty", List.of("")));
		assertThat(this.adapter).hasSize(4);
		assertThat(this.adapter.keySet()).containsExactly("Content-Type", "Set-Cookie", "Content-Length", "X-Empty");
	}

	@Test
	void namesMatchIgnoringCase() {
		assertThat(this.adapter.get("SET-COOKIE")).containsExactly("a=1", "b=2");
		assertThat(this.adapter.getFirst("set-cookie")).isEqualTo("a=1");
		assertThat(this.adapter.containsKey("content-length")).isTrue();
		assertThat(this.adapter.get("Missing")).isNull();
		assertThat(this.adapter.containsKey("Missing")).isFalse();
		assertThat(this.adapter.toSingleValueMap()).containsEntry("Set-Cookie", "a=1").hasSize(4);
	}

	@Test
	void springReadsTheTypedHeadersThroughIt() {
		HttpHeaders spring = HttpHeaders.readOnlyHttpHeaders(this.adapter);
		assertThat(spring.getContentType()).isEqualTo(MediaType.parseMediaType("text/plain;charset=UTF-8"));
		assertThat(spring.getContentLength()).isEqualTo(13);
		assertThat(spring.headerNames()).containsExactly("Content-Type", "Set-Cookie", "Content-Length", "X-Empty");
		assertThat(spring.get("set-cookie")).containsExactly("a=1", "b=2");
	}

	@Test
	void isReadOnly() {
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> this.adapter.add("X", "y"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> this.adapter.set("X", "y"));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.adapter.remove("Set-Cookie"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(this.adapter::clear);
		assertThat(this.adapter.get("Set-Cookie")).hasSize(2);
	}

	@Test
	void emptyHeadersAreAnEmptyMap() {
		HeadersAdapter empty = new HeadersAdapter(Headers.EMPTY);
		assertThat(empty).isEmpty();
		assertThat(empty.entrySet()).isEmpty();
		assertThat(empty.getFirst("Content-Type")).isNull();
	}

}
