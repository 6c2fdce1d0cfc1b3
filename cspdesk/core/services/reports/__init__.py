"""Services for the partnership report pack and the quarterly return."""
