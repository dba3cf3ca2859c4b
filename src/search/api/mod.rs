//! Search APIs (SearXNG, Brave, Serper, SerpApi) behind one interface, and their JSON.
