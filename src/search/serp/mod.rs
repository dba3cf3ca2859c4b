//! Result pages saved from a browser: Google, Bing, DuckDuckGo, Yandex and Baidu.
